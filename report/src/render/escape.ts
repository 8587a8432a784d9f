/**
 * Escaping for everything the report carries from templates (construct paths, reasons, conditions): none of it
 * is trusted, so each form escapes it for where it lands.
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, char => HTML_ENTITIES[char]);
}

/**
 * JSON for the content of a `<script type="application/json">` element: no `<`, `>` or `&` survives, so nothing
 * can close the element or open a comment, and U+2028/U+2029 cannot end a line.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Text for a Markdown table cell or paragraph (GitHub Flavored Markdown): on one line, HTML's own characters as
 * entities, and Markdown's punctuation backslash-escaped so no text becomes a link, emphasis, code or a column.
 * @see https://github.github.com/gfm/#backslash-escapes
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[&<>]/g, char => HTML_ENTITIES[char])
    .replace(/[\\`*_[\]|~#]/g, char => `\\${char}`);
}

/**
 * Text for a quoted Mermaid label (`n1["…"]`, `-->|"…"|`): every character but letters, digits, space and
 * `. , / : _ - ( )` as Mermaid's numeric entity code, so no text can close the label or inject syntax or HTML.
 * @see https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
 */
export function escapeMermaid(text: string): string {
  return Array.from(text.replace(/\s+/g, ' '), char => /[A-Za-z0-9 .,/:_()-]/.test(char) ? char : `#${char.codePointAt(0)};`).join('');
}
