/**
 * modRetailCRM on miniShop2's settings page: the RetailCRM code of every delivery, payment and
 * order status, as a grid column and as a field of the create and update windows.
 *
 * The plugin loads this file after miniShop2's own scripts (msOnManagerCustomCssJs, page
 * "settings") and before the page is built, so wrapping the classes' prototypes is enough. The
 * update windows build their fields with the create windows' getFields, so one wrap covers both.
 * The fields exist in the model through the plugin's OnMODXInit; miniShop2's processors list and
 * save them like their own.
 */
(function () {
    'use strict';

    if (typeof miniShop2 === 'undefined' || !miniShop2.grid || !miniShop2.window) {
        return;
    }

    var references = [
        {grid: 'Delivery', window: 'CreateDelivery', field: 'retailcrm_delivery_code', help: 'modretailcrm_delivery_code'},
        {grid: 'Payment', window: 'CreatePayment', field: 'retailcrm_payment_code', help: 'modretailcrm_payment_code'},
        {grid: 'Status', window: 'CreateStatus', field: 'retailcrm_status_code', help: 'modretailcrm_status_code'}
    ];

    // Replaces cls.prototype[method] by one that passes the original's result through change().
    function wrap(cls, method, change) {
        if (typeof cls !== 'function' || typeof cls.prototype[method] !== 'function') {
            return;
        }
        var original = cls.prototype[method];
        cls.prototype[method] = function () {
            return change.call(this, original.apply(this, arguments), arguments);
        };
    }

    // The position of the first item matching test, or the end of the list.
    function positionOf(items, test, fromEnd) {
        var i;
        if (fromEnd) {
            for (i = items.length; i > 0 && test(items[i - 1]); i--) {
                // trailing items that match stay last
            }
            return i;
        }
        for (i = 0; i < items.length; i++) {
            if (test(items[i])) {
                return i;
            }
        }
        return items.length;
    }

    function install(ref) {
        wrap(miniShop2.grid[ref.grid], 'getFields', function (fields) {
            return fields.concat([ref.field]);
        });

        wrap(miniShop2.grid[ref.grid], 'getColumns', function (columns) {
            var column = {header: _('modretailcrm_crm_code'), dataIndex: ref.field, width: 50, sortable: true};
            var at = positionOf(columns, function (c) {
                return c && c.dataIndex === 'actions';
            });
            return columns.slice(0, at).concat([column], columns.slice(at));
        });

        wrap(miniShop2.window[ref.window], 'getFields', function (fields, args) {
            var config = args[0] || {};
            var field = {
                xtype: 'textfield',
                name: ref.field,
                fieldLabel: _('modretailcrm_crm_code'),
                description: _(ref.help),
                anchor: '99%',
                maxLength: 255,
                id: (config.id || 'modretailcrm-' + ref.grid.toLowerCase()) + '-' + ref.field
            };
            // Before the trailing checkboxes ("active"), after everything else.
            var at = positionOf(fields, function (f) {
                return f && f.xtype === 'xcheckbox';
            }, true);
            return fields.slice(0, at).concat([field], fields.slice(at));
        });
    }

    for (var i = 0; i < references.length; i++) {
        install(references[i]);
    }
})();
