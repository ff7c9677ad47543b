<?php
// A plain page of the shop: no CRM involved. 50 ms stand for the page's own work, so that its
// latency is measured against a realistic value rather than a bare interpreter start.
usleep(50000);
echo "home page\n";
