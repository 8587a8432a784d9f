/*
 * What the diagram shows: the nodes and edges a filter keeps, and how groups collapse. One source for the page
 * (inlined as a script, it defines the global ReportView) and the Markdown form (markdown.ts evaluates this
 * file in a vm context), kept as plain JavaScript read as text so no compiler or coverage instrumentation
 * rewrites what the browser runs. No DOM, no dependencies.
 */
var ReportView = (function () {
  'use strict';

  /**
   * The diagram a set of filters keeps. The diagram is made of paths principal → key → data; a path is kept when
   * it passes through the filtered key, through the filtered principal, and through a node of the filtered stack
   * (each filter that is set); the view is the nodes and edges of the kept paths. A key without principals or
   * data makes paths without them.
   */
  function filtered(diagram, filters) {
    var active = ['key', 'principal', 'stack'].filter(function (name) { return filters[name]; });
    if (active.length === 0) return diagram;
    var nodeById = new Map(diagram.nodes.map(function (node) { return [node.id, node]; }));
    var keep = function (ids) {
      return (!filters.key || ids.indexOf(filters.key) >= 0)
        && (!filters.principal || ids.indexOf(filters.principal) >= 0)
        && (!filters.stack || ids.some(function (id) { return nodeById.get(id).stack === filters.stack; }));
    };
    var nodes = new Set();
    var edges = new Set();
    diagram.nodes.forEach(function (key) {
      if (key.kind !== 'key') return;
      var incoming = diagram.edges.filter(function (edge) { return edge.target === key.id; });
      var outgoing = diagram.edges.filter(function (edge) { return edge.source === key.id; });
      (incoming.length ? incoming : [null]).forEach(function (from) {
        (outgoing.length ? outgoing : [null]).forEach(function (to) {
          var ids = [from && from.source, key.id, to && to.target].filter(Boolean);
          if (!keep(ids)) return;
          ids.forEach(function (id) { nodes.add(id); });
          if (from) edges.add(from.id);
          if (to) edges.add(to.id);
        });
      });
    });
    return {
      nodes: diagram.nodes.filter(function (node) { return nodes.has(node.id); }),
      edges: diagram.edges.filter(function (edge) { return edges.has(edge.id); }),
      stacks: diagram.stacks,
    };
  }

  /**
   * The diagram with groups collapsed. The data of one key in one stack beyond `threshold` resources becomes one
   * node "N resources" (id `resources:<key node id>|<stack>`) unless it is in `expanded`; a data node stays only
   * while an edge not folded into such a node reaches it. Then every node of a stack in `collapsedStacks`
   * becomes the stack's node (id `stack:<stack id>`), with the edges that leave the stack merged.
   */
  function collapsed(diagram, options) {
    var folded = foldData(diagram, options.threshold, options.expanded || []);
    return foldStacks(folded, options.collapsedStacks || []);
  }

  function foldData(diagram, threshold, expanded) {
    var nodeById = new Map(diagram.nodes.map(function (node) { return [node.id, node]; }));
    var groups = new Map();
    diagram.edges.forEach(function (edge) {
      var target = nodeById.get(edge.target);
      if (target.kind !== 'data') return;
      var id = 'resources:' + edge.source + '|' + (target.stack || '');
      if (!groups.has(id)) groups.set(id, { key: nodeById.get(edge.source), stack: target.stack, edges: [] });
      groups.get(id).edges.push(edge);
    });
    var folded = new Set();
    var nodes = [];
    var edges = [];
    groups.forEach(function (group, id) {
      if (group.edges.length <= threshold || expanded.indexOf(id) >= 0) return;
      group.edges.forEach(function (edge) { folded.add(edge.id); });
      nodes.push(withStack({
        id: id, kind: 'resources', label: group.edges.length + ' resources', detail: 'of ' + group.key.label,
        count: group.edges.length, members: group.edges.map(function (edge) { return edge.target; }),
      }, group.stack));
      edges.push({ id: id + '|edge', source: group.key.id, target: id, label: '' });
    });
    var kept = diagram.edges.filter(function (edge) { return !folded.has(edge.id); });
    var reached = new Set(kept.map(function (edge) { return edge.target; }));
    return {
      nodes: diagram.nodes.filter(function (node) { return node.kind !== 'data' || reached.has(node.id); }).concat(nodes),
      edges: kept.concat(edges),
      stacks: diagram.stacks,
    };
  }

  function foldStacks(diagram, collapsedStacks) {
    if (collapsedStacks.length === 0) return diagram;
    var stackNodes = new Map();
    var nodeFor = new Map();
    var nodes = [];
    diagram.nodes.forEach(function (node) {
      if (collapsedStacks.indexOf(node.stack) < 0) {
        nodes.push(node);
        return;
      }
      var id = 'stack:' + node.stack;
      nodeFor.set(node.id, id);
      if (!stackNodes.has(id)) {
        var stack = diagram.stacks.filter(function (s) { return s.id === node.stack; })[0];
        var stackNode = { id: id, kind: 'stack', label: stack ? stack.label : node.stack, detail: '', stackId: node.stack, counts: { principal: 0, key: 0, data: 0 } };
        stackNodes.set(id, stackNode);
        nodes.push(stackNode);
      }
      stackNodes.get(id).counts[node.kind === 'resources' ? 'data' : node.kind] += node.count || 1;
    });
    stackNodes.forEach(function (node) {
      node.detail = 'collapsed: ' + [[node.counts.principal, 'principal'], [node.counts.key, 'key'], [node.counts.data, 'resource']]
        .filter(function (count) { return count[0] > 0; })
        .map(function (count) { return count[0] + ' ' + count[1] + (count[0] === 1 ? '' : 's'); })
        .join(', ');
    });
    var merged = new Map();
    diagram.edges.forEach(function (edge) {
      var source = nodeFor.get(edge.source) || edge.source;
      var target = nodeFor.get(edge.target) || edge.target;
      if (source === target) return;
      var id = JSON.stringify([source, target, edge.change || '']);
      var known = merged.get(id);
      if (!known) {
        merged.set(id, Object.assign({}, edge, { id: id, source: source, target: target }));
      } else if (edge.label && known.label.split('; ').indexOf(edge.label) < 0) {
        known.label = known.label ? known.label + '; ' + edge.label : edge.label;
      }
    });
    return { nodes: nodes, edges: Array.from(merged.values()), stacks: diagram.stacks };
  }

  function withStack(node, stack) {
    if (stack !== undefined) node.stack = stack;
    return node;
  }

  return { filtered: filtered, collapsed: collapsed };
})();
