import { ApiError, api, describeError } from './api.js';
import { clearToken, getToken, isPlausibleToken, onTokenRequired, setToken } from './auth.js';
import { CameraGrid } from './camera-grid.js';
import { setUpCameraForm } from './camera-form.js';
import { byId, h, showError } from './dom.js';
import { EnrolDialog } from './enrol-dialog.js';
import { EventFeed } from './event-feed.js';
import { EventStore, UNKNOWN_IDENTITY, faceData, type ResumeCursor } from './event-store.js';
import { EventStream, type ConnectionState } from './event-stream.js';
import { FrameViewer } from './frame-viewer.js';
import { HealthCharts } from './health-charts.js';
import { Router } from './router.js';
import { VIEWS } from './views.js';
import type { ViewContext } from './view-context.js';
import { CAMERA_STATUS, RECOGNIZED, UNKNOWN, type Caller, type CameraStatusData, type CameraView, type ControlMessage, type Identity, type VigilEvent } from './types.js';

/** Face events held in memory (the feed shows at most 200 of them, after filtering). */
const STORE_EVENTS = 1000;
const TYPES = [RECOGNIZED, UNKNOWN, CAMERA_STATUS];

const store = new EventStore(STORE_EVENTS);
const identities = new Map<string, string>();
const cameraFilter = byId<HTMLSelectElement>('filter-camera');
const identityFilter = byId<HTMLSelectElement>('filter-identity');
const notice = byId('feed-notice');

const grid = new CameraGrid(byId('camera-grid'), byId('cameras-error'), updateCameraOptions);
const viewer = new FrameViewer();
const enrol = new EnrolDialog(() => void loadIdentities());
const feed = new EventFeed(byId('event-list'), store, {
  open: (event) => viewer.open(event, grid.nameOf(faceData(event).camera)),
  enrol: (event) => enrol.open(event),
  find: (event) => router.go('search', { event: event.id }),
  cameraName: (id) => grid.nameOf(id),
});
const stream = new EventStream({ types: TYPES, onEvent, onControl, onState: showConnection });
const health = new HealthCharts(byId('health-charts'), { nameOf: (id) => grid.nameOf(id) });
/** Set while the page waits for a token: nothing is asked of the gateway meanwhile. */
let waitingForToken = false;

function onEvent(event: VigilEvent): void {
  if (event.type === CAMERA_STATUS) return grid.applyStatus(event.data as unknown as CameraStatusData);
  const identity = faceData(event).identity;
  if (event.type === RECOGNIZED && identity && !identities.has(identity.id)) {
    identities.set(identity.id, identity.name);
    updateIdentityOptions();
  }
  feed.add(event);
}

function onControl(message: ControlMessage): void {
  if (message.kind === 'gap') {
    const what = message.reason === 'run_changed' ? 'The gateway restarted' : 'Some events are no longer held by the gateway';
    showError(notice, `${what}: missed events ${message.from ?? '?'}–${message.to ?? '?'}.`);
  } else if (message.kind === 'notice' && message.code === 'run_changed') showError(notice, 'The gateway restarted.');
  else if (message.kind === 'notice' && message.code === 'slow_consumer') showError(notice, 'This page is reading events too slowly; it will resume.');
  else if (message.kind === 'error') showError(notice, `Event stream: ${message.code ?? ''} ${message.message ?? ''}`);
}

function showConnection(state: ConnectionState, detail: string): void {
  const pill = byId('connection');
  const text: Record<ConnectionState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting', unauthorized: 'Token needed', stopped: 'Paused' };
  pill.dataset.state = state;
  pill.textContent = detail ? `${text[state]} (${detail})` : text[state];
}

function replaceOptions(select: HTMLSelectElement, options: readonly [string, string][]): void {
  const selected = select.value;
  select.replaceChildren(...options.map(([value, label]) => h('option', { value }, label)));
  select.value = options.some(([value]) => value === selected) ? selected : '';
}

/** The cameras as last read, for the other views. */
let cameraList: readonly CameraView[] = [];

function updateCameraOptions(cameras: readonly CameraView[]): void {
  cameraList = cameras;
  const wanted: [string, string][] = [['', 'All cameras'], ...cameras.map((c): [string, string] => [c.id, c.name || c.id])];
  const current = [...cameraFilter.options].map((o) => `${o.value}=${o.text}`).join('|');
  if (current === wanted.map(([v, l]) => `${v}=${l}`).join('|')) return;
  replaceOptions(cameraFilter, wanted);
  feed.renameCameras();
}

function updateIdentityOptions(): void {
  const named = [...identities].sort((a, b) => a[1].localeCompare(b[1]));
  replaceOptions(identityFilter, [['', 'Everyone'], [UNKNOWN_IDENTITY, 'Unknown faces'], ...named]);
}

async function loadIdentities(): Promise<void> {
  try {
    for (const identity of await api<Identity[]>('GET', '/v1/identities')) identities.set(identity.id, identity.name);
    updateIdentityOptions();
  } catch {
    // The filter still lists everyone seen in events; the enrol dialog shows this error itself.
  }
}

/**
 * The caller's role: a viewer's page hides what only operators may do (the API refuses it anyway).
 * A gateway without GET /v1/me, or an error, leaves everything shown.
 */
async function loadRole(): Promise<void> {
  const role = byId('role');
  try {
    const me = await api<Caller>('GET', '/v1/me');
    document.body.dataset.role = me.role;
    role.textContent = me.role === 'anonymous' ? 'No tokens on this gateway' : `Signed in as ${me.role}`;
    role.hidden = false;
  } catch {
    delete document.body.dataset.role;
    role.hidden = true;
  }
}

/** Recent face events, and where the WebSocket should resume so nothing falls between the two. */
async function loadHistory(): Promise<ResumeCursor | null> {
  try {
    const history = await api<{ events: VigilEvent[]; sequence: number; run: string }>('GET', `/v1/events?type=${encodeURIComponent(`${RECOGNIZED},${UNKNOWN}`)}&limit=${STORE_EVENTS}`);
    for (const event of history.events) onEvent(event);
    return typeof history.sequence === 'number' && history.run ? { sequence: history.sequence, run: history.run } : null;
  } catch (error) {
    // Refused for want of a token: the token prompt says so, and the next begin() reads it again.
    if (!(error instanceof ApiError && error.status === 401)) showError(notice, `Earlier events unavailable: ${describeError(error)}`);
    return null;
  }
}

/** Counts calls to begin(): only the latest one may start the stream, with its own history's cursor. */
let begun = 0;

async function begin(): Promise<void> {
  const call = ++begun;
  showError(notice, null);
  byId('sign-out').hidden = !getToken();
  grid.start();
  health.start();
  void loadRole();
  void loadIdentities();
  const cursor = await loadHistory();
  if (call === begun && !waitingForToken) stream.start(cursor ?? stream.cursor);
}

function setUpTokenPrompt(): void {
  const dialog = byId<HTMLDialogElement>('token-dialog');
  const form = byId<HTMLFormElement>('token-form');
  const input = byId<HTMLInputElement>('token-input');
  const error = byId('token-error');
  onTokenRequired((reason) => {
    // Nothing works without a token: stop asking the gateway until there is one.
    waitingForToken = true;
    stream.stop();
    grid.stop();
    health.stop();
    showConnection('unauthorized', '');
    byId('token-reason').textContent = reason;
    showError(error, null);
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    if (!isPlausibleToken(input.value)) return showError(error, 'Tokens are 16 to 512 characters of letters, digits and . _ ~ + / = -');
    setToken(input.value);
    input.value = '';
    waitingForToken = false;
    dialog.close();
    void begin();
  });
  // Escape would leave a page that cannot work; the dialog stays until a token is given.
  dialog.addEventListener('cancel', (cancel) => cancel.preventDefault());
  byId('sign-out').addEventListener('click', () => {
    clearToken();
    location.reload();
  });
}

// The views behind the nav (router.ts, views.ts): this page's cameras and feed are `#/live`.
const context: ViewContext = {
  go: (id, params) => router.go(id, params),
  cameras: () => cameraList,
  cameraName: (id) => grid.nameOf(id),
  identities: () => identities,
  refreshIdentities: loadIdentities,
  openFrame: (event) => viewer.open(event, grid.nameOf(faceData(event).camera)),
  live: { show: () => undefined },
};
const router = new Router(VIEWS, { context, container: byId('views'), nav: byId('views-nav'), fallback: 'live' });

setUpTokenPrompt();
setUpCameraForm(byId<HTMLFormElement>('camera-form'), byId('camera-form-error'), () => void grid.refresh());
cameraFilter.addEventListener('change', () => feed.setFilter({ ...feed.filter, camera: cameraFilter.value || null }));
identityFilter.addEventListener('change', () => feed.setFilter({ ...feed.filter, identity: identityFilter.value || null }));
updateIdentityOptions();
router.start();
void begin();
