import * as fs from 'fs';
import * as path from 'path';

/**
 * The page's browser code and style, kept as files read at run time (not TypeScript): what the browser runs is
 * exactly what is on disk, untouched by the compiler or by test coverage instrumentation. They sit next to this
 * module and must ship with it.
 */
export const RENDER_ASSETS = ['page.js', 'view.js', 'page.css'] as const;

export type RenderAsset = typeof RENDER_ASSETS[number];

const cache = new Map<string, string>();

/** The text of one of the page's own files. */
export function assetText(name: RenderAsset): string {
  return cached(name, () => inlinable(fs.readFileSync(path.join(__dirname, name), 'utf8'), name));
}

/** ELK's browser bundle, which lays out without a web worker when none is given. */
export function elkSource(): string {
  const file = require.resolve('elkjs/lib/elk.bundled.js');
  return cached(file, () => inlinable(fs.readFileSync(file, 'utf8'), file));
}

/** A script's or style's text, refused if it could end its element early. */
export function inlinable(source: string, name: string): string {
  if (/<\/(script|style)|<!--/i.test(source)) {
    throw new Error(`${path.basename(name)} holds "</script", "</style" or "<!--" and cannot be inlined into the report page`);
  }
  return source;
}

function cached(name: string, read: () => string): string {
  const known = cache.get(name) ?? read();
  cache.set(name, known);
  return known;
}
