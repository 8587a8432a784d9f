import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { RENDER_ASSETS, inlinable } from '../../src/render/assets';
import { escapeHtml, escapeMarkdown, escapeMermaid, jsonForScript } from '../../src/render/escape';
import { renderHtml } from '../../src/render/html';
import { HOSTILE, smallDiff, smallReport } from '../fixtures/render/reports';

describe('renderHtml', () => {
  const html = renderHtml(smallReport());

  test('the Content-Security-Policy allows exactly the page\'s own scripts and style, and no request', () => {
    // GIVEN
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(match => match[1]);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(match => match[1]);

    // THEN
    expect(scripts).toHaveLength(3);
    expect(csp).toBe([
      "default-src 'none'", `script-src ${scripts.map(hash).join(' ')}`, `style-src ${styles.map(hash).join(' ')}`,
      "img-src 'none'", "form-action 'none'", "base-uri 'none'",
    ].join('; '));
    expect(html).not.toMatch(/\b(src|href)="(?!#|https:\/\/aws\.amazon\.com\/kms\/pricing\/")/);
  });

  test('text from templates is escaped wherever it lands', () => {
    // THEN
    expect(html).not.toContain('<img');
    expect(html.match(/<\/script/g)).toHaveLength(5);
    expect(html.replace(/<wbr>/g, '')).toContain(`<td>${escapeHtml(HOSTILE)}</td>`);
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(data).not.toMatch(/[<>&]/);
    expect(JSON.parse(data)).toEqual(smallReport());
  });

  test('a diff is titled as one, from the old assembly to the new', () => {
    // WHEN
    const diff = renderHtml(smallDiff());

    // THEN
    expect(diff).toContain('<h1>Encryption report: changes</h1>');
    expect(diff).toContain('From the assembly <code>old.out</code> to <code>cdk.out</code>.');
  });

  test('the page\'s own files sit next to the renderer, and none could end its element early', () => {
    for (const asset of RENDER_ASSETS) {
      const text = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'render', asset), 'utf8');
      expect(inlinable(text, asset)).toBe(text);
    }
    expect(() => inlinable('var a = "</script>";', 'bad.js')).toThrow('bad.js holds "</script", "</style" or "<!--" and cannot be inlined into the report page');
    expect(() => inlinable('a { } </style>', 'bad.css')).toThrow('bad.css holds');
  });
});

describe('escaping', () => {
  test.each([
    [escapeHtml, '<a href="x">\'&</a>', '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&lt;/a&gt;'],
    [jsonForScript, '</script><!--\u2028&', '"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"'],
    [escapeMarkdown, 'a|b *c* _d_ [e](f) `g` <h> #i ~j~ \\k\nl', 'a\\|b \\*c\\* \\_d\\_ \\[e\\](f) \\`g\\` &lt;h&gt; \\#i \\~j\\~ \\\\k l'],
    [escapeMermaid, 'Stack "A"] --> B; <b>é', 'Stack #34;A#34;#93; --#62; B#59; #60;b#62;#233;'],
  ])('%p', (escape, text, expected) => {
    expect(escape(text)).toBe(expected);
  });
});
