import * as vm from 'vm';
import { assetText } from './assets';
import type { Diagram, DiagramEdge, DiagramNode } from './diagram';

/** A node of a view: the diagram's own, or a collapsed group (`resources` of a key in a stack, a `stack`). */
export interface ViewNode extends Omit<DiagramNode, 'kind'> {
  readonly kind: DiagramNode['kind'] | 'resources' | 'stack';
  /** How many resources a `resources` node stands for. */
  readonly count?: number;
  /** The data nodes a `resources` node stands for. */
  readonly members?: string[];
}

export interface View {
  readonly nodes: ViewNode[];
  readonly edges: DiagramEdge[];
  readonly stacks: Diagram['stacks'];
}

export interface ViewFilters {
  readonly key?: string;
  readonly principal?: string;
  readonly stack?: string;
}

export interface CollapseOptions {
  readonly threshold: number;
  /** `resources:` node ids to draw expanded. */
  readonly expanded?: string[];
  /** Stack ids to draw as one node each. */
  readonly collapsedStacks?: string[];
}

/** The page's own view logic (view.js), for the forms rendered in Node: what the page shows, the same way. */
export interface ReportView {
  filtered(diagram: Diagram, filters: ViewFilters): Diagram;
  collapsed(diagram: Diagram, options: CollapseOptions): View;
}

let loaded: ReportView | undefined;

/** view.js evaluated in a context of its own: the very text the page inlines. */
export function reportView(): ReportView {
  loaded ??= vm.runInNewContext(`${assetText('view.js')}\nReportView`, {}) as ReportView;
  return loaded;
}
