// Renders a rule's documentation: the small markdown subset the docs use (headings, paragraphs,
// fenced code, lists, `code`, **bold**, [links](…)). Builds DOM nodes; never parses HTML.

/** Inline markdown (`code`, **bold**, [links](…)) as DOM nodes. */
export function renderInline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    const [, code, bold, label, href] = match;
    if (code !== undefined) {
      const el = document.createElement('code');
      el.textContent = code;
      nodes.push(el);
    } else if (bold !== undefined) {
      const el = document.createElement('strong');
      el.textContent = bold;
      nodes.push(el);
    } else if (label !== undefined && href !== undefined) {
      if (/^https?:\/\//.test(href)) {
        const el = document.createElement('a');
        el.href = href;
        el.rel = 'noopener noreferrer';
        el.target = '_blank';
        el.textContent = label;
        nodes.push(el);
      } else {
        nodes.push(document.createTextNode(label));
      }
    }
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

export function renderMarkdown(markdown: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: HTMLUListElement | undefined;

  const flush = () => {
    if (paragraph.length) {
      const p = document.createElement('p');
      p.append(...renderInline(paragraph.join(' ')));
      out.append(p);
      paragraph = [];
    }
    list = undefined;
  };

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const fence = /^```\s*([\w-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i += 1) code.push(lines[i] ?? '');
      const pre = document.createElement('pre');
      const el = document.createElement('code');
      if (fence[1]) el.className = `language-${fence[1]}`;
      el.textContent = code.join('\n');
      pre.append(el);
      out.append(pre);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      // Rule docs start at `##`; keep them below the panel's own title.
      const level = Math.min((heading[1]?.length ?? 1) + 1, 6);
      const h = document.createElement(`h${level}`);
      h.append(...renderInline(heading[2] ?? ''));
      out.append(h);
      continue;
    }
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (item) {
      if (paragraph.length) flush();
      if (!list) {
        list = document.createElement('ul');
        out.append(list);
      }
      const li = document.createElement('li');
      li.append(...renderInline(item[1] ?? ''));
      list.append(li);
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    list = undefined;
    paragraph.push(line.trim());
  }
  flush();
  return out;
}
