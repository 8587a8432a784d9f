/*
 * The report page's diagram: reads the inlined diagram, keeps what the filters and collapsed groups show
 * (ReportView, view.js), lays it out with ELK's layered algorithm (stacks as compound nodes) and draws it as SVG.
 * Every node and edge carries data-* attributes (data-node-id, data-kind, data-stack, data-edge-id, data-source,
 * data-target, data-change) that tests and readers' tools can rely on. Text is only ever set with textContent.
 */
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var FONT = '12px sans-serif';
  var MAX_LABEL = 44;
  var data = JSON.parse(document.getElementById('diagram-data').textContent);
  var diagram = data.diagram;
  var container = document.getElementById('diagram');
  var state = { key: '', principal: '', stack: '', expanded: [], collapsedStacks: [] };
  var elk = new ELK();
  var stackById = new Map(diagram.stacks.map(function (stack) { return [stack.id, stack]; }));
  var measure = document.createElement('canvas').getContext('2d');
  var queue = Promise.resolve();
  var renders = 0;
  measure.font = FONT;

  function render() {
    var view = ReportView.collapsed(ReportView.filtered(diagram, state), {
      threshold: data.collapseThreshold, expanded: state.expanded, collapsedStacks: state.collapsedStacks,
    });
    container.setAttribute('aria-busy', 'true');
    queue = queue
      .then(function () { return elk.layout(elkGraph(view)); })
      .then(function (layout) { draw(view, layout); })
      .catch(function (error) {
        console.error(error);
        container.textContent = 'The diagram could not be laid out: ' + (error && error.message) + '. The tables below hold the same data.';
      })
      .then(function () {
        renders += 1;
        container.setAttribute('aria-busy', 'false');
        container.setAttribute('data-renders', String(renders));
      });
  }

  function elkGraph(view) {
    var root = {
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': 'RIGHT',
        'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
        'elk.json.shapeCoords': 'ROOT',
        'elk.json.edgeCoords': 'ROOT',
        'elk.layered.spacing.nodeNodeBetweenLayers': '56',
        'elk.spacing.nodeNode': '14',
        'elk.spacing.edgeLabel': '4',
        'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      },
      children: [],
      edges: [],
    };
    var groups = new Map();
    view.nodes.forEach(function (node) {
      var stack = stackById.get(node.stack);
      var parent = stack ? group(root, groups, stack, node.kind === 'principal') : root;
      var lines = nodeLines(node);
      parent.children.push({ id: node.id, width: Math.max(textWidth(lines[0]), textWidth(lines[1])) + 20, height: 40 });
    });
    view.edges.forEach(function (edge) {
      root.edges.push({
        id: edge.id, sources: [edge.source], targets: [edge.target],
        labels: edge.label ? [{ text: edge.label, width: textWidth(edge.label) + 6, height: 14 }] : [],
      });
    });
    return root;
  }

  /**
   * The box of a stack's principals, or of its keys and data. Principals get boxes of their own, left of the
   * keys: a stack box holding both a role and the data it reads would form a cycle with any key outside it
   * (referenced, or of another stack), and ELK lays each box out as one node of its parent.
   */
  function group(root, groups, stack, principals) {
    var id = (principals ? 'principals:' : 'group:') + stack.id;
    if (!groups.has(id)) {
      var title = stackTitle(shorten(stack.label), principals);
      var box = {
        id: id,
        layoutOptions: {
          'elk.padding': '[top=34,left=12,bottom=12,right=12]',
          'elk.nodeSize.constraints': 'MINIMUM_SIZE',
          'elk.nodeSize.minimum': '(' + (textWidth(title) + 24) + ',40)',
        },
        children: [],
      };
      groups.set(id, box);
      root.children.push(box);
    }
    return groups.get(id);
  }

  function draw(view, layout) {
    var nodeById = new Map(view.nodes.map(function (node) { return [node.id, node]; }));
    var svg = element('svg', {
      width: layout.width, height: layout.height, viewBox: '0 0 ' + layout.width + ' ' + layout.height,
      role: 'group', 'aria-label': 'Diagram: principals, keys and data',
    });
    svg.appendChild(arrowMarker());
    layout.children.forEach(function (child) {
      var kind = child.id.slice(0, child.id.indexOf(':'));
      if (kind !== 'group' && kind !== 'principals') return;
      svg.appendChild(groupElement(stackById.get(child.id.slice(kind.length + 1)), kind === 'principals', child));
    });
    layout.edges.forEach(function (edge) {
      var source = view.edges.filter(function (e) { return e.id === edge.id; })[0];
      svg.appendChild(edgeElement(source, edge));
    });
    eachNode(layout, function (shape) {
      if (nodeById.has(shape.id)) svg.appendChild(nodeElement(nodeById.get(shape.id), shape));
    });
    container.textContent = '';
    container.appendChild(svg);
  }

  function groupElement(stack, principals, shape) {
    var g = element('g', { class: 'stack-group', 'data-group-id': stack.id, 'data-group-of': principals ? 'principals' : 'keys-and-data' });
    g.appendChild(element('rect', { x: shape.x, y: shape.y, width: shape.width, height: shape.height, rx: 6 }));
    var title = element('text', {
      class: 'stack-title', x: shape.x + 10, y: shape.y + 20, role: 'button', tabindex: 0,
      'data-toggle-stack': stack.id, 'aria-label': 'Collapse stack ' + stack.label,
    });
    title.textContent = '▾ ' + stackTitle(shorten(stack.label), principals);
    title.appendChild(element('title', {})).textContent = stackTitle(stack.label, principals);
    activate(title, function () { toggle(state.collapsedStacks, stack.id); });
    g.appendChild(title);
    return g;
  }

  function edgeElement(edge, shape) {
    var g = element('g', withChange({
      class: 'edge', 'data-edge-id': edge.id, 'data-source': edge.source, 'data-target': edge.target,
    }, edge.change));
    (shape.sections || []).forEach(function (section) {
      var points = [section.startPoint].concat(section.bendPoints || [], [section.endPoint]);
      g.appendChild(element('path', {
        d: points.map(function (p, i) { return (i ? 'L' : 'M') + p.x + ' ' + p.y; }).join(' '),
        'marker-end': 'url(#arrow)',
      }));
    });
    (shape.labels || []).forEach(function (label) {
      var text = element('text', { class: 'edge-label', x: label.x + 3, y: label.y + 11 });
      text.textContent = label.text;
      g.appendChild(text);
    });
    return g;
  }

  function nodeElement(node, shape) {
    var attributes = withChange({
      class: 'node node-' + node.kind, 'data-node-id': node.id, 'data-kind': node.kind,
      transform: 'translate(' + shape.x + ',' + shape.y + ')',
    }, node.change);
    if (node.stack !== undefined) attributes['data-stack'] = node.stack;
    if (node.count !== undefined) attributes['data-count'] = node.count;
    var g = element('g', attributes);
    var lines = nodeLines(node);
    var title = element('title', {});
    title.textContent = node.label + '\n' + node.detail;
    g.appendChild(title);
    g.appendChild(element('rect', { width: shape.width, height: shape.height, rx: node.kind === 'key' ? 14 : 3 }));
    [lines[0], lines[1]].forEach(function (line, i) {
      var text = element('text', { class: i ? 'node-detail' : 'node-label', x: 10, y: i ? 32 : 16 });
      text.textContent = line;
      g.appendChild(text);
    });
    if (node.kind === 'resources') {
      makeButton(g, 'Expand ' + node.label + ' ' + node.detail, function () { state.expanded.push(node.id); });
    } else if (node.kind === 'stack') {
      makeButton(g, 'Expand stack ' + node.label, function () { toggle(state.collapsedStacks, node.stackId); });
    }
    return g;
  }

  function makeButton(g, label, action) {
    g.setAttribute('role', 'button');
    g.setAttribute('tabindex', '0');
    g.setAttribute('aria-label', label);
    activate(g, action);
  }

  function activate(target, action) {
    var run = function () { action(); render(); };
    target.addEventListener('click', run);
    target.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        run();
      }
    });
  }

  function toggle(list, value) {
    var at = list.indexOf(value);
    if (at >= 0) list.splice(at, 1); else list.push(value);
  }

  function arrowMarker() {
    var defs = element('defs', {});
    var marker = element('marker', {
      id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse',
    });
    marker.appendChild(element('path', { d: 'M0 0 L10 5 L0 10 z', class: 'arrow-head' }));
    defs.appendChild(marker);
    return defs;
  }

  function eachNode(shape, visit) {
    (shape.children || []).forEach(function (child) {
      visit(child);
      eachNode(child, visit);
    });
  }

  function nodeLines(node) {
    return [shorten(node.label), shorten(node.detail)];
  }

  function stackTitle(label, principals) {
    return 'Stack ' + label + (principals ? ': principals' : '');
  }

  function shorten(text) {
    return text.length <= MAX_LABEL ? text : '…' + text.slice(text.length - MAX_LABEL + 1);
  }

  function textWidth(text) {
    return Math.ceil(measure.measureText(text).width);
  }

  function withChange(attributes, change) {
    if (change) {
      attributes['data-change'] = change;
      attributes.class += ' change-' + change;
    }
    return attributes;
  }

  function element(name, attributes) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (attribute) { node.setAttribute(attribute, String(attributes[attribute])); });
    return node;
  }

  // A large app opens with its stacks collapsed: one node per stack, to expand or filter from.
  if (ReportView.collapsed(diagram, { threshold: data.collapseThreshold }).nodes.length > data.stacksCollapsedAbove) {
    state.collapsedStacks = diagram.stacks.map(function (stack) { return stack.id; });
  }
  ['key', 'principal', 'stack'].forEach(function (name) {
    document.getElementById('filter-' + name).addEventListener('change', function (event) {
      state[name] = event.target.value;
      render();
    });
  });
  document.getElementById('collapse-stacks').addEventListener('click', function () {
    state.collapsedStacks = diagram.stacks.map(function (stack) { return stack.id; });
    render();
  });
  document.getElementById('expand-stacks').addEventListener('click', function () {
    state.collapsedStacks = [];
    render();
  });
  render();
})();
