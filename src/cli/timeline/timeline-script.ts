/**
 * The page's script, inlined and allowed by its hash in the page's
 * Content-Security-Policy. It only reads: the details behind the bars and
 * marks come from the JSON data element and are put into the tooltip with
 * `textContent`, never as markup, so nothing the flow engine recorded can
 * become an element or a script.
 *
 * Hovering (or focusing) a bar or an event mark shows its details; a click
 * pins them so that they can be scrolled and selected, and a click
 * elsewhere or Escape lets them go.
 */
export const TIMELINE_SCRIPT = `
(function () {
  'use strict';
  var dataElement = document.getElementById('timeline-data');
  var chart = document.getElementById('chart');
  var tooltip = document.getElementById('tooltip');
  if (!dataElement || !chart || !tooltip) return;
  var data = JSON.parse(dataElement.textContent || '{}');
  var executions = data.executions || [];
  var events = data.events || [];
  var shown = null;
  var pinned = false;

  function duration(seconds) {
    if (typeof seconds !== 'number' || !isFinite(seconds)) return '\\u2013';
    var value = Math.abs(seconds);
    if (value < 1e-3) return (value * 1e6).toFixed(0) + ' \\u00b5s';
    if (value < 1) {
      var ms = value * 1e3;
      return ms.toFixed(ms < 10 ? 2 : 1) + ' ms';
    }
    if (value < 60) return value.toFixed(value < 10 ? 3 : 2) + ' s';
    var minutes = Math.floor(value / 60);
    return minutes + ' min ' + (value - minutes * 60).toFixed(1) + ' s';
  }
  function offset(micros) {
    return '+' + duration(micros / 1e6);
  }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fields(list) {
    var dl = element('dl');
    for (var i = 0; i < list.length; i++) {
      dl.appendChild(element('dt', '', list[i][0]));
      dl.appendChild(element('dd', '', list[i][1]));
    }
    return dl;
  }
  function block(name, text, className) {
    var wrap = element('div', 'tt-block' + (className ? ' ' + className : ''));
    wrap.appendChild(element('div', 'tt-block-name', name));
    wrap.appendChild(element('pre', '', text));
    return wrap;
  }
  function statusClass(status) {
    var known = ['completed', 'failed', 'error_continued', 'skipped', 'running'];
    return known.indexOf(status) >= 0 ? status : 'other';
  }

  function executionDetails(x) {
    var nodes = [];
    var title = element('div', 'tt-title', x.routine + ' #' + x.ordinal);
    var badge = element('span', 'tt-status status-' + statusClass(x.status), x.status);
    title.appendChild(badge);
    nodes.push(title);
    nodes.push(fields([
      ['routine', x.routine],
      ['status', x.status + (x.incomplete ? ' (no end recorded: drawn to the end of the run)' : '')],
      ['start', offset(x.offset) + '  ' + x.start],
      ['end', x.end === null ? 'not recorded' : x.end],
      ['duration', (x.incomplete ? '\\u2265 ' : '') + duration(x.duration)]
    ]));
    nodes.push(block('params', x.params));
    if (x.result !== null) nodes.push(block('result', x.result));
    if (x.error !== null) nodes.push(block('error', x.error, 'tt-error'));
    return nodes;
  }
  function eventDetails(e) {
    return [
      element('div', 'tt-title', 'event ' + e.name),
      fields([
        ['event', e.name],
        ['from', e.source],
        ['to', e.target === null ? 'no target' : e.target],
        ['time', offset(e.offset) + '  ' + e.time],
        ['drawn on', e.on === null
          ? 'the flow row: no execution of its source was running'
          : e.on + (e.running > 1
            ? ' (the likeliest of ' + e.running + ' running executions of ' + e.source + ')'
            : '')]
      ]),
      block('data', e.data)
    ];
  }

  function targetOf(node) {
    while (node && node !== chart) {
      if (node.nodeType === 1 && (node.hasAttribute('data-x') || node.hasAttribute('data-e'))) return node;
      node = node.parentNode;
    }
    return null;
  }
  function show(target) {
    var nodes;
    if (target.hasAttribute('data-x')) {
      var x = executions[Number(target.getAttribute('data-x'))];
      if (!x) return;
      nodes = executionDetails(x);
    } else {
      var e = events[Number(target.getAttribute('data-e'))];
      if (!e) return;
      nodes = eventDetails(e);
    }
    if (shown) shown.classList.remove('active');
    shown = target;
    target.classList.add('active');
    tooltip.textContent = '';
    for (var i = 0; i < nodes.length; i++) tooltip.appendChild(nodes[i]);
    tooltip.appendChild(element('div', 'tt-hint', pinned ? 'Esc or click elsewhere to close' : 'click to pin'));
    tooltip.hidden = false;
  }
  function hide() {
    if (shown) shown.classList.remove('active');
    shown = null;
    pinned = false;
    tooltip.classList.remove('pinned');
    tooltip.hidden = true;
  }
  function place(clientX, clientY) {
    var margin = 14;
    var width = tooltip.offsetWidth;
    var height = tooltip.offsetHeight;
    var left = clientX + margin;
    var top = clientY + margin;
    if (left + width > window.innerWidth - 4) left = Math.max(4, clientX - width - margin);
    if (top + height > window.innerHeight - 4) top = Math.max(4, clientY - height - margin);
    tooltip.style.left = left + 'px';
    tooltip.style.top = top + 'px';
  }
  function placeBy(target) {
    var box = target.getBoundingClientRect();
    place(box.left + Math.min(box.width, 40), box.bottom);
  }

  chart.addEventListener('mouseover', function (event) {
    if (pinned) return;
    var target = targetOf(event.target);
    if (target) {
      show(target);
      place(event.clientX, event.clientY);
    }
  });
  chart.addEventListener('mousemove', function (event) {
    if (!pinned && shown) place(event.clientX, event.clientY);
  });
  chart.addEventListener('mouseout', function (event) {
    if (pinned || !shown) return;
    var next = targetOf(event.relatedTarget);
    if (next !== shown) hide();
  });
  chart.addEventListener('focusin', function (event) {
    if (pinned) return;
    var target = targetOf(event.target);
    if (target) {
      show(target);
      placeBy(target);
    }
  });
  chart.addEventListener('focusout', function () {
    if (!pinned) hide();
  });
  document.addEventListener('click', function (event) {
    var target = targetOf(event.target);
    if (target && chart.contains(target)) {
      pinned = false;
      show(target);
      pinned = true;
      tooltip.classList.add('pinned');
      var hint = tooltip.lastChild;
      if (hint) hint.textContent = 'Esc or click elsewhere to close';
      place(event.clientX, event.clientY);
    } else if (pinned && !tooltip.contains(event.target)) {
      hide();
    }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') hide();
  });
})();
`;
