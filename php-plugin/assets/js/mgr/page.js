/**
 * modRetailCRM's page in the MODX manager (Extras → RetailCRM): Connection, Health, Mapping
 * and Log, drawn into #modretailcrm-page from window.ModRetailCrmPage (the connector's
 * address, the HTTP_MODAUTH token, the texts of the manager's language; see
 * lib/ManagerApi.php pageConfig()). Plain JavaScript, no build step: every action is a POST to
 * the connector (action mgr/page, do = the action), whose answer is {success, message, object}.
 * Failures are shown as the connector's readable message.
 */
(function () {
    'use strict';

    // The manager loads this script in the page's head, before the element exists.
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }

    function start() {
        var config = window.ModRetailCrmPage;
        var root = document.getElementById('modretailcrm-page');
        if (!config || !root) {
            return;
        }

        // The text `key` of the manager's language with [[+name]] filled from values.
        function t(key, values) {
            var text = config.lang[key] !== undefined ? config.lang[key] : key;
            Object.keys(values || {}).forEach(function (name) {
                text = text.split('[[+' + name + ']]').join(values[name] === null ? '' : String(values[name]));
            });
            return text;
        }

        // An element with attributes and children (strings become text nodes).
        function el(tag, attributes, children) {
            var node = document.createElement(tag);
            Object.keys(attributes || {}).forEach(function (name) {
                if (name === 'text') {
                    node.textContent = attributes[name];
                } else if (name.indexOf('on') === 0) {
                    node.addEventListener(name.slice(2), attributes[name]);
                } else if (attributes[name] !== null && attributes[name] !== undefined && attributes[name] !== false) {
                    node.setAttribute(name, attributes[name] === true ? '' : attributes[name]);
                }
            });
            (children || []).forEach(function (child) {
                if (child !== null && child !== undefined) {
                    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
                }
            });
            return node;
        }

        function fill(node, children) {
            while (node.firstChild) {
                node.removeChild(node.firstChild);
            }
            children.forEach(function (child) {
                node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
            });
        }

        // Calls action `action` of the connector; resolves with the answer's object, rejects with its message.
        function call(action, fields) {
            var body = new URLSearchParams();
            body.append('action', 'mgr/page');
            body.append('do', action);
            body.append('HTTP_MODAUTH', config.token);
            Object.keys(fields || {}).forEach(function (name) {
                body.append(name, fields[name]);
            });
            return fetch(config.connector, {
                method: 'POST',
                credentials: 'same-origin',
                headers: {'modAuth': config.token, 'Content-Type': 'application/x-www-form-urlencoded'},
                body: body.toString()
            }).then(function (response) {
                return response.text().then(function (text) {
                    var answer;
                    try {
                        answer = JSON.parse(text);
                    } catch (e) {
                        throw new Error(t('error') + ' (HTTP ' + response.status + ')');
                    }
                    if (!answer.success) {
                        throw new Error(answer.message || t('error'));
                    }
                    return answer.object;
                });
            });
        }

        // Shows a message in `node`: ok (green), error (red) or plain.
        function say(node, text, kind) {
            node.classList.remove('mrc-ok', 'mrc-error');
            node.classList.add('mrc-message');
            if (kind) {
                node.classList.add('mrc-' + kind);
            }
            node.textContent = text;
        }

        function when(unix) {
            return unix ? new Date(unix * 1000).toLocaleString() : t('never');
        }

        function age(seconds) {
            if (seconds === null || seconds === undefined) {
                return '—';
            }
            seconds = Math.round(seconds);
            if (seconds < 120) {
                return t('seconds', {n: seconds});
            }
            if (seconds < 7200) {
                return t('minutes', {n: Math.round(seconds / 60)});
            }
            return t('hours', {n: Math.round(seconds / 3600)});
        }

        function figure(id, label, value) {
            return el('div', {'class': 'mrc-figure'}, [
                el('div', {'class': 'mrc-figure-value', id: id, text: String(value)}),
                el('div', {'class': 'mrc-figure-label', text: label})
            ]);
        }

        function section(id, title, children) {
            return el('section', {'class': 'mrc-section', id: id}, [el('h2', {text: title})].concat(children));
        }

        var writable = config.extension;
        var notice = el('div', {id: 'mrc-notice', 'class': 'mrc-message mrc-error', hidden: writable}, [t('no_extension')]);
        var connection = el('div');
        var health = el('div');
        var mapping = el('div');
        var log = el('pre', {id: 'mrc-log', 'class': 'mrc-log'});
        var logFile = el('div', {'class': 'mrc-hint'});
        var statusMessage = el('div', {id: 'mrc-status-message'});

        fill(root, [
            el('h1', {text: t('title')}),
            el('p', {'class': 'mrc-hint', text: t('intro')}),
            notice,
            statusMessage,
            section('mrc-connection', t('connection'), [connection]),
            section('mrc-health', t('health'), [health]),
            section('mrc-mapping', t('mapping'), [mapping]),
            section('mrc-log-section', t('log'), [
                el('button', {type: 'button', id: 'mrc-log-refresh', onclick: loadLog}, [t('log_refresh')]),
                logFile,
                log
            ])
        ]);

        // ------------------------------------------------------------------ Connection and Health

        function drawConnection(answer) {
            var status = answer.status || {};
            var result = el('div', {id: 'mrc-connection-result'});
            var check = el('button', {type: 'button', id: 'mrc-check-connection', disabled: !answer.extension, onclick: function () {
                check.disabled = true;
                say(result, t('checking'));
                call('credentials').then(function (found) {
                    var sites = found.site_ok ? t('site_ok', {site: found.site}) : t('site_missing', {site: found.site, sites: found.sites.join(', ')});
                    say(result, t('methods_allowed', {count: found.methods.length}) + ' ' + sites, found.site_ok ? 'ok' : 'error');
                }, function (error) {
                    say(result, error.message, 'error');
                }).then(function () {
                    check.disabled = false;
                });
            }}, [t('check_connection')]);
            var lastError = status.last_error;
            fill(connection, [
                el('table', {'class': 'mrc-facts'}, [
                    el('tr', {}, [el('th', {text: t('url')}), el('td', {id: 'mrc-url', text: answer.connection.url || '—'})]),
                    el('tr', {}, [el('th', {text: t('site')}), el('td', {id: 'mrc-site', text: answer.connection.site || '—'})]),
                    el('tr', {}, [el('th', {text: t('key')}), el('td', {id: 'mrc-key', text: answer.connection.key_set ? t('key_set') : t('key_missing')})]),
                    el('tr', {}, [el('th', {text: t('last_success')}), el('td', {id: 'mrc-last-success', text: when(status.last_success_at)})]),
                    el('tr', {}, [el('th', {text: t('last_error')}), el('td', {id: 'mrc-last-error',
                        text: lastError ? when(lastError.at) + ': ' + lastError.message : '—'})])
                ]),
                check,
                result
            ]);
        }

        function deadLetterRow(letter) {
            var message = el('span', {'class': 'mrc-row-message'});
            var busy = function (promise) {
                promise.then(function () {
                    loadStatus();
                }, function (error) {
                    say(message, error.message, 'error');
                });
            };
            var details = letter.details || {};
            var crmErrors = details.errors ? Object.keys(details.errors).map(function (field) {
                return field + ': ' + details.errors[field];
            }) : [];
            return el('tr', {'data-id': letter.id}, [
                el('td', {text: String(letter.id)}),
                el('td', {text: letter.kind + ' ' + letter.entity_key}),
                el('td', {}, [
                    el('div', {'class': 'mrc-crm-message', text: details.errorMsg || letter.error || ''}),
                    crmErrors.length ? el('ul', {'class': 'mrc-crm-errors'}, crmErrors.map(function (line) {
                        return el('li', {text: line});
                    })) : null
                ]),
                el('td', {text: String(letter.attempts)}),
                el('td', {text: when(letter.failed_at)}),
                el('td', {}, [
                    el('button', {type: 'button', 'class': 'mrc-retry', disabled: !writable, onclick: function () {
                        busy(call('retry', {id: letter.id}));
                    }}, [t('retry')]),
                    el('button', {type: 'button', 'class': 'mrc-discard', disabled: !writable, onclick: function () {
                        if (window.confirm(t('discard_confirm', {id: letter.id}))) {
                            busy(call('discard', {id: letter.id}));
                        }
                    }}, [t('discard')]),
                    message
                ])
            ]);
        }

        function drawHealth(answer) {
            var status = answer.status;
            var parts = [];
            if (answer.error) {
                parts.push(el('div', {'class': 'mrc-message mrc-error', text: answer.error}));
            }
            if (status) {
                var history = status.history || {};
                parts.push(el('div', {'class': 'mrc-figures'}, [
                    figure('mrc-pending', t('pending'), status.pending),
                    figure('mrc-oldest', t('oldest'), age(status.oldest_pending_age)),
                    figure('mrc-delivered-day', t('delivered_day'), status.delivered_last_day),
                    figure('mrc-dead-count', t('dead'), status.dead),
                    figure('mrc-set-aside', t('set_aside'), history.set_aside_count || 0),
                    figure('mrc-history-lag', t('history_lag'), history.lag === undefined || history.lag === null ? '—' : history.lag)
                ]));
                parts.push(el('h3', {text: t('dead_letters')}));
                parts.push(status.dead_letters.length ? el('table', {id: 'mrc-dead', 'class': 'mrc-table'}, [
                    el('tr', {}, ['#', t('dead_entity'), t('dead_error'), t('dead_attempts'), t('dead_failed_at'), ''].map(function (h) {
                        return el('th', {text: h});
                    }))
                ].concat(status.dead_letters.map(deadLetterRow))) : el('p', {id: 'mrc-dead-none', text: t('dead_none')}));
                if ((history.set_aside || []).length) {
                    parts.push(el('h3', {text: t('set_aside')}));
                    parts.push(el('table', {id: 'mrc-set-aside-list', 'class': 'mrc-table'}, history.set_aside.map(function (entry) {
                        return el('tr', {}, [el('td', {text: String(entry.number || entry.order)}), el('td', {text: entry.code || ''}),
                            el('td', {text: entry.reason || ''}), el('td', {text: when(entry.at)})]);
                    })));
                }
            }
            var mode = answer.send_mode ? t('mode_' + answer.send_mode) : '—';
            var poll = answer.poll_budget === '0' ? t('poll_off') : t('poll_on');
            var icml = answer.icml ? t('icml_file', {file: answer.icml.file, at: when(answer.icml.written_at),
                kb: Math.ceil(answer.icml.bytes / 1024)}) : t('icml_none');
            if (answer.icml && answer.icml.offers !== undefined) {
                icml += t('icml_run', {at: when(answer.icml.run_at), offers: answer.icml.offers,
                    changed: t(answer.icml.changed ? 'icml_changed' : 'icml_unchanged')});
            }
            parts.push(el('table', {'class': 'mrc-facts'}, [
                el('tr', {}, [el('th', {text: t('delivery_mode')}), el('td', {id: 'mrc-delivery-mode', text: mode + ' ' + poll})]),
                el('tr', {}, [el('th', {text: t('icml')}), el('td', {id: 'mrc-icml', text: icml})])
            ]));
            parts.push(el('h3', {text: t('doctor')}));
            parts.push(el('ul', {id: 'mrc-doctor', 'class': 'mrc-doctor'}, answer.doctor.map(function (check) {
                var verdict = check.ok === true ? 'ok' : (check.ok === false ? 'fail' : 'info');
                return el('li', {'class': 'mrc-' + verdict, 'data-check': check.check}, [
                    el('strong', {text: check.check + ' — ' + t(verdict) + ': '}), check.detail
                ]);
            })));
            fill(health, parts);
        }

        function loadStatus() {
            return call('status').then(function (answer) {
                writable = answer.extension;
                notice.hidden = writable;
                drawConnection(answer);
                drawHealth(answer);
                say(statusMessage, '');
            }, function (error) {
                say(statusMessage, error.message, 'error');
            });
        }

        // ------------------------------------------------------------------ Mapping

        var lists = {delivery: 'deliveries', payment: 'payments', status: 'statuses'};
        var columns = {delivery: 'retailcrm_delivery_code', payment: 'retailcrm_payment_code', status: 'retailcrm_status_code'};

        function codeSelect(book, reference, options) {
            var current = reference[columns[book]];
            var select = el('select', {'data-book': book, 'data-id': reference.id, disabled: !writable || !options},
                [el('option', {value: '', text: t('no_code_option')})]);
            var known = false;
            (options || []).forEach(function (option) {
                known = known || option.code === current;
                select.appendChild(el('option', {value: option.code, text: option.name + ' (' + option.code + ')'
                    + (option.active ? '' : ' — ' + t('inactive'))}));
            });
            if (current && !known) {
                select.appendChild(el('option', {value: current, text: current + ' — ' + t('not_in_crm')}));
            }
            select.value = current || '';
            return select;
        }

        function mappingTable(book, references, options) {
            return el('table', {'class': 'mrc-table', id: 'mrc-map-' + book}, [
                el('tr', {}, [el('th', {text: '#'}), el('th', {text: t('site_name')}), el('th', {text: t('crm_code')}), el('th')])
            ].concat(references.map(function (reference) {
                var select = codeSelect(book, reference, options);
                var message = el('span', {'class': 'mrc-row-message'});
                var save = el('button', {type: 'button', 'class': 'mrc-save', disabled: !writable, onclick: function () {
                    save.disabled = true;
                    call('save', {book: book, id: reference.id, code: select.value}).then(function (saved) {
                        reference[columns[book]] = saved.code;
                        say(message, t('saved'), 'ok');
                    }, function (error) {
                        say(message, error.message, 'error');
                    }).then(function () {
                        save.disabled = false;
                    });
                }}, [t('save')]);
                return el('tr', {'data-id': reference.id, 'class': reference.active ? null : 'mrc-inactive'}, [
                    el('td', {text: String(reference.id)}),
                    el('td', {text: reference.name + (reference.active ? '' : ' (' + t('inactive') + ')')}),
                    el('td', {}, [select]),
                    el('td', {}, [save, message])
                ]);
            })));
        }

        var findings = el('ul', {id: 'mrc-findings', 'class': 'mrc-findings'});
        var checks = 0;

        // The findings of a check; data-round counts the checks shown (the page's load is the first).
        function drawFindings(list) {
            checks += 1;
            findings.setAttribute('data-round', String(checks));
            fill(findings, list.length ? list.map(function (finding) {
                var other = finding.other || {};
                return el('li', {'data-rule': finding.rule, 'data-book': finding.book, 'data-id': finding.id},
                    [t('book_' + finding.book) + ' «' + finding.name + '»: ' + t('rule_' + finding.rule, {
                        code: finding.code, other: other.name, other_code: other.code
                    })]);
            }) : [el('li', {'class': 'mrc-ok', id: 'mrc-findings-none', text: t('findings_none')})]);
        }

        function drawMapping(answer) {
            var parts = [];
            Object.keys(answer.errors).forEach(function (book) {
                parts.push(el('div', {'class': 'mrc-message mrc-error', text: (book === 'extension' ? '' : t('crm_unavailable') + ' ') + answer.errors[book]}));
            });
            ['delivery', 'payment', 'status'].forEach(function (book) {
                parts.push(el('h3', {text: t(lists[book])}));
                parts.push(mappingTable(book, answer.site[lists[book]], answer.crm[book]));
            });
            var result = el('div', {id: 'mrc-check-result'});
            parts.push(el('h3', {text: t('check_title')}));
            parts.push(el('p', {'class': 'mrc-hint', text: t('check_hint')}));
            parts.push(el('button', {type: 'button', id: 'mrc-check-mapping', disabled: !writable, onclick: function () {
                say(result, t('checking'));
                call('check').then(function (list) {
                    say(result, '');
                    drawFindings(list);
                }, function (error) {
                    say(result, error.message, 'error');
                });
            }}, [t('check_mapping')]));
            parts.push(result);
            parts.push(findings);
            if (answer.findings) {
                drawFindings(answer.findings);
            }
            fill(mapping, parts);
        }

        function loadMapping() {
            return call('mapping').then(drawMapping, function (error) {
                fill(mapping, [el('div', {'class': 'mrc-message mrc-error', text: error.message})]);
            });
        }

        // ------------------------------------------------------------------ Log

        function loadLog() {
            return call('log').then(function (answer) {
                logFile.textContent = answer.file ? t('log_file', {file: answer.file}) : t('log_none');
                log.textContent = answer.lines.join('\n');
            }, function (error) {
                logFile.textContent = error.message;
            });
        }

        fill(connection, [t('loading')]);
        Promise.all([loadStatus(), loadMapping(), loadLog()]).then(function () {
            root.setAttribute('data-loaded', 'true');
        });
    }
})();
