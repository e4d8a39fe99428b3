import type { ReactNode } from "react";

/**
 * A small Markdown renderer for creators' sample files, safe by construction: it builds React
 * elements (never an HTML string, never `dangerouslySetInnerHTML`), so raw HTML in a file shows
 * as text, and links keep only http(s) and mailto addresses (anything else is plain text).
 *
 * Covers what sample posts use: ATX headings, paragraphs, bullet and numbered lists, block
 * quotes, fenced code, horizontal rules, **bold**, *italic* / _italic_, `code` and [links](url).
 */
export function Markdown({ source }: { source: string }) {
  return <div className="markdown prose">{blocks(source.replace(/\r\n?/g, "\n").split("\n"))}</div>;
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

function blocks(lines: string[]): ReactNode[] {
  const out: ReactNode[] = [];
  let i = 0;
  let key = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = line.match(/^\s*(```|~~~)/);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++; // the closing fence (or the end)
      out.push(
        <pre key={key++} className="markdown-code">
          <code>{body.join("\n")}</code>
        </pre>,
      );
      continue;
    }
    const heading = line.match(/^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      // Sample files sit under the page's own h2/h3: their headings start at h3.
      const level = Math.min(heading[1].length + 2, 6);
      const Tag = `h${level}` as "h3" | "h4" | "h5" | "h6";
      out.push(<Tag key={key++}>{inline(heading[2])}</Tag>);
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push(<hr key={key++} />);
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*>\s?/, ""));
      out.push(<blockquote key={key++}>{blocks(quoted)}</blockquote>);
      continue;
    }
    const bullet = /^\s*[-*+]\s+/;
    const numbered = /^\s*\d{1,9}[.)]\s+/;
    if (bullet.test(line) || numbered.test(line)) {
      const marker = bullet.test(line) ? bullet : numbered;
      const items: string[] = [];
      while (i < lines.length && (marker.test(lines[i]) || (/^\s{2,}\S/.test(lines[i]) && items.length))) {
        if (marker.test(lines[i])) items.push(lines[i].replace(marker, ""));
        else items[items.length - 1] += " " + lines[i].trim();
        i++;
      }
      const List = marker === bullet ? "ul" : "ol";
      out.push(
        <List key={key++}>
          {items.map((item, n) => (
            <li key={n}>{inline(item)}</li>
          ))}
        </List>,
      );
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i].trim() && !/^\s*(#{1,6}\s|>|```|~~~|[-*+]\s|\d{1,9}[.)]\s)/.test(lines[i])) para.push(lines[i++]);
    if (!para.length) para.push(lines[i++]); // a line no rule above took
    out.push(<p key={key++}>{lineBreaks(para)}</p>);
  }
  return out;
}

function lineBreaks(lines: string[]): ReactNode[] {
  const out: ReactNode[] = [];
  lines.forEach((l, n) => {
    if (n > 0) out.push(/ {2,}$|\\$/.test(lines[n - 1]) ? <br key={`br${n}`} /> : " ");
    out.push(...inline(l.replace(/( {2,}|\\)$/, "")));
  });
  return out;
}

// One token at a time: code spans first (nothing inside them is formatted), then links,
// bold, italics. Whatever does not match is text — React escapes it.
const INLINE = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|__([^_\n]+)__|\*([^*\n]+)\*|\b_([^_\n]+)_\b/;

function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let key = 0;
  while (rest) {
    const m = rest.match(INLINE);
    if (!m || m.index === undefined) {
      out.push(rest);
      break;
    }
    if (m.index > 0) out.push(rest.slice(0, m.index));
    if (m[1]) out.push(<code key={key++}>{m[2].trim()}</code>);
    else if (m[3] !== undefined) {
      const href = m[4];
      out.push(
        SAFE_URL.test(href) ? (
          <a key={key++} href={href} rel="noopener noreferrer nofollow ugc" target="_blank">
            {inline(m[3])}
          </a>
        ) : (
          m[3]
        ),
      );
    } else if (m[5] ?? m[6]) out.push(<strong key={key++}>{inline((m[5] ?? m[6])!)}</strong>);
    else out.push(<em key={key++}>{inline((m[7] ?? m[8])!)}</em>);
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

/** JSON shown readably: pretty-printed when it is complete and valid, else as it is. */
export function prettyJson(text: string, truncated: boolean): string {
  if (truncated) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
