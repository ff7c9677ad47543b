<?php
// msDelivery of the fake miniShop2 4.4 package: xPDO includes this file before the class map; the fake
// site keeps every object as a plain xPDOObject, so the class itself is not needed.
