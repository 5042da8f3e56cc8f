import type { WebSocket } from 'ws';
import type { Caller, TokenChange } from '../auth';
import { accessEnd, expiryDelay, type AccessEnd } from '../events';

interface Held {
  caller: Caller;
  timer: NodeJS.Timeout | null;
}

/**
 * Which token each live viewer came with, so revoking it (on this gateway or, in cluster mode,
 * another) or its expiry ends the video at once, with the events socket's close codes (4401).
 * Every role may watch, so a lowered role changes nothing here.
 */
export class ViewerAccess {
  readonly #held = new Map<WebSocket, Held>();
  readonly #onEnd: (reason: AccessEnd) => void;

  constructor(onEnd: (reason: AccessEnd) => void = () => undefined) {
    this.#onEnd = onEnd;
  }

  /** A viewer joined with `caller` (null or no token id: nothing to follow). */
  hold(ws: WebSocket, caller: Caller | null): void {
    if (!caller?.tokenId) return;
    const held: Held = { caller, timer: null };
    this.#held.set(ws, held);
    this.#arm(ws, held);
    ws.once('close', () => this.#release(ws));
  }

  /** A token changed: its viewers end when it was revoked, follow its new expiry otherwise. Returns how many ended. */
  tokenChanged(change: TokenChange): number {
    let ended = 0;
    for (const [ws, held] of [...this.#held]) {
      if (held.caller.tokenId !== change.tokenId) continue;
      if (change.kind === 'revoked') {
        this.#end(ws, 'token_revoked');
        ended += 1;
      } else if (change.kind === 'expiry') {
        held.caller = { ...held.caller, expiresAt: change.entry?.expiresAt ? Date.parse(change.entry.expiresAt) : null };
        this.#arm(ws, held);
      }
    }
    return ended;
  }

  /** Stops every expiry timer (the service is closing). */
  clear(): void {
    for (const ws of [...this.#held.keys()]) this.#release(ws);
  }

  #arm(ws: WebSocket, held: Held): void {
    if (held.timer) clearTimeout(held.timer);
    held.timer = null;
    const delay = expiryDelay(held.caller.expiresAt ?? null, Date.now());
    if (delay === null) return;
    held.timer = setTimeout(() => {
      if (Date.now() >= (held.caller.expiresAt ?? Infinity)) this.#end(ws, 'token_expired');
      else this.#arm(ws, held);
    }, delay);
    held.timer.unref();
  }

  #end(ws: WebSocket, reason: AccessEnd): void {
    this.#release(ws);
    const { code, text } = accessEnd(reason);
    this.#onEnd(reason);
    ws.close(code, text);
  }

  #release(ws: WebSocket): void {
    const held = this.#held.get(ws);
    if (held?.timer) clearTimeout(held.timer);
    this.#held.delete(ws);
  }
}
