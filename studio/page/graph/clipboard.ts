import type { CopyAnswer, CopyRequest } from '../../protocol.js';
import type { App } from '../app.js';

/**
 * Copy and paste of blocks through the system clipboard, as YAML text: Ctrl/Cmd+C (or the
 * browser's Copy) with blocks selected on the canvas puts them there; Ctrl/Cmd+V (or Paste) on
 * the canvas adds what the clipboard holds. Two studios share blocks this way, and the text pastes
 * into any editor as well.
 */
export function installClipboard(
  canvas: HTMLElement,
  app: App,
  selection: () => readonly string[],
  pasted: (ids: readonly string[], focus: string | undefined) => void,
  say: (message: string) => void,
): void {
  const onCanvas = () => document.activeElement !== null && canvas.contains(document.activeElement);

  const copy = async (ids: readonly string[]) => {
    const text = app.store.state.model?.text ?? '';
    try {
      const { blocks } = await app.api.post<CopyAnswer>('/api/copy', { text, ids } satisfies CopyRequest);
      await navigator.clipboard.writeText(blocks);
      say(`Copied ${ids.length === 1 ? ids[0] : `${ids.length} blocks`}.`);
    } catch (error) {
      say(`Cannot copy: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const paste = async (blocks: string) => {
    if (blocks.trim() === '') return;
    const before = new Set(blockIds(app));
    const after = selection().at(-1);
    const result = await app.edit({ kind: 'paste', blocks, ...(after !== undefined && { after }) });
    if (!result.ok) return;
    pasted(
      blockIds(app).filter((id) => !before.has(id)),
      result.focus,
    );
  };

  // The keys, and the browser's own Copy (menu, context menu): the snippet comes from the server,
  // so it is written to the clipboard when it arrives.
  canvas.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== 'c') return;
    const ids = selection();
    if (ids.length === 0) return;
    event.preventDefault();
    void copy(ids);
  });
  document.addEventListener('copy', (event) => {
    const ids = selection();
    if (!onCanvas() || ids.length === 0) return;
    event.preventDefault();
    void copy(ids);
  });
  document.addEventListener('paste', (event) => {
    if (!onCanvas()) return;
    const text = event.clipboardData?.getData('text/plain') ?? '';
    event.preventDefault();
    void paste(text);
  });
}

function blockIds(app: App): string[] {
  return (app.store.state.model?.nodes ?? []).filter((node) => node.kind === 'block').map((node) => node.id);
}
