// miniShop2 4.4's settings page as far as modRetailCRM's manager script touches it, for node:
// `node ms2-settings-page.js <script.js>` loads miniShop2's grid and window classes (their
// shape: a Default grid that builds its store fields and columns from getFields()/getColumns(),
// Default windows that build their form from getFields(config), update windows that reuse the
// create windows' getFields inside tabs, or inherit it), then the given script after them as
// the plugin does, builds each grid and window and checks the RetailCRM code is there.
'use strict';

const assert = require('assert');
const fs = require('fs');
const vm = require('vm');

const lexicon = {modretailcrm_crm_code: 'RetailCRM code'};
const page = {
    _: (key) => (key in lexicon ? lexicon[key] : key),
    Ext: {
        extend(sub, sup, overrides) {
            const F = function () {};
            F.prototype = sup.prototype;
            sub.prototype = new F();
            sub.prototype.constructor = sub;
            sub.superclass = sup.prototype;
            Object.assign(sub.prototype, overrides || {});
            return sub;
        },
        applyIf(target, source) {
            for (const key of Object.keys(source)) {
                if (target[key] === undefined) {
                    target[key] = source[key];
                }
            }
            return target;
        },
        reg() {},
    },
};
page.window = page;
vm.createContext(page);

vm.runInContext(`
var MODx = {grid: {}, Window: function (config) { this.config = config; }};
MODx.grid.Grid = function (config) { this.config = config; };
var miniShop2 = {grid: {}, window: {}, config: {}};

miniShop2.grid.Default = function (config) {
    config = config || {};
    Ext.applyIf(config, {fields: this.getFields(config), columns: this.getColumns(config)});
    miniShop2.grid.Default.superclass.constructor.call(this, config);
};
Ext.extend(miniShop2.grid.Default, MODx.grid.Grid, {
    getFields: function () { return ['id', 'actions']; },
    getColumns: function () { return [{header: 'ID', dataIndex: 'id'}]; }
});

miniShop2.window.Default = function (config) {
    config = config || {};
    Ext.applyIf(config, {fields: this.getFields(config)});
    miniShop2.window.Default.superclass.constructor.call(this, config);
};
Ext.extend(miniShop2.window.Default, MODx.Window, {getFields: function () { return []; }});

function grid(name, fields) {
    miniShop2.grid[name] = function (config) {
        miniShop2.grid[name].superclass.constructor.call(this, config || {});
    };
    Ext.extend(miniShop2.grid[name], miniShop2.grid.Default, {
        getFields: function () { return fields.slice(); },
        getColumns: function () {
            return [{header: 'ID', dataIndex: 'id'}, {header: 'Name', dataIndex: 'name'},
                {header: 'Actions', dataIndex: 'actions', id: 'actions'}];
        }
    });
}
grid('Delivery', ['id', 'name', 'price', 'weight_price', 'distance_price', 'rank', 'payments', 'logo',
    'active', 'class', 'description', 'requires', 'actions', 'free_delivery_amount']);
grid('Payment', ['id', 'name', 'price', 'rank', 'deliveries', 'logo', 'active', 'class', 'description', 'actions']);
grid('Status', ['id', 'name', 'description', 'color', 'email_user', 'email_manager', 'subject_user',
    'subject_manager', 'body_user', 'body_manager', 'active', 'final', 'fixed', 'rank', 'editable', 'actions']);

function windows(name, tabbed) {
    var create = miniShop2.window['Create' + name] = function (config) {
        create.superclass.constructor.call(this, config || {});
    };
    Ext.extend(create, miniShop2.window.Default, {
        getFields: function (config) {
            return [{xtype: 'hidden', name: 'id', id: config.id + '-id'},
                {layout: 'column', items: [{items: [{xtype: 'textfield', name: 'name'}]}]},
                {xtype: 'textarea', name: 'description'},
                {xtype: 'xcheckbox', name: 'active'}];
        }
    });
    var update = miniShop2.window['Update' + name] = function (config) {
        update.superclass.constructor.call(this, config || {});
    };
    Ext.extend(update, create, tabbed ? {
        getFields: function (config) {
            return [{xtype: 'modx-tabs', items: [
                {layout: 'form', items: create.prototype.getFields.call(this, config)},
                {items: [{xtype: 'minishop2-grid-members'}]}
            ]}];
        }
    } : {});
}
windows('Delivery', true);
windows('Payment', true);
windows('Status', false);
`, page);

const script = process.argv[2];
vm.runInContext(fs.readFileSync(script, 'utf8'), page, {filename: script});

// Every field of a form, nested layouts and tabs included.
function formFields(items) {
    return items.flatMap((item) => [item].concat(item.items ? formFields(item.items) : []));
}

let checks = 0;
for (const [name, field] of [['Delivery', 'retailcrm_delivery_code'], ['Payment', 'retailcrm_payment_code'],
    ['Status', 'retailcrm_status_code']]) {
    const grid = vm.runInContext(`new miniShop2.grid.${name}({})`, page).config;
    assert.strictEqual(grid.fields.filter((f) => f === field).length, 1, `${name} grid store has ${field} once`);
    const columns = grid.columns.map((c) => c.dataIndex);
    assert.strictEqual(columns.indexOf(field), columns.indexOf('actions') - 1, `${name}: the code column comes before the actions`);
    assert.strictEqual(grid.columns[columns.indexOf(field)].header, 'RetailCRM code', `${name}: the column header is translated`);
    checks += 3;

    for (const kind of ['Create', 'Update']) {
        const id = `minishop2-window-${name.toLowerCase()}-${kind.toLowerCase()}`;
        const form = vm.runInContext(`new miniShop2.window.${kind}${name}({id: '${id}'})`, page).config.fields;
        const found = formFields(form).filter((f) => f.name === field);
        assert.strictEqual(found.length, 1, `${kind}${name} window has one ${field} field: ${JSON.stringify(form)}`);
        assert.strictEqual(found[0].xtype, 'textfield');
        assert.strictEqual(found[0].id, `${id}-${field}`);
        assert.strictEqual(found[0].fieldLabel, 'RetailCRM code');
        const all = formFields(form).map((f) => f.name).filter(Boolean);
        assert.ok(all.indexOf(field) < all.indexOf('active'), `${kind}${name}: the code comes before the active checkbox`);
        checks += 5;
    }
}
console.log(`PASS ${checks} checks`);
