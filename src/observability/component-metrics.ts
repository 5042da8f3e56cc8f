import type { Metrics } from './metrics';

/**
 * The metric side of each long-lived component's callbacks, so the composition root only plugs
 * them in: `new KafkaSink({ ...options, ...kafkaMetrics(metrics) })`. Each returns exactly the
 * callbacks the component declares (structurally), and nothing here is on a per-frame path.
 */

/** One batch's figures as the inference pool reports them (src/inference's BatchFigures, structurally). */
interface InferenceBatch {
  readonly lane: 'detect' | 'embed' | 'liveness';
  readonly items: number;
  readonly maxQueuedMs: number;
  readonly timings: { readonly preprocessMs: number; readonly gateWaitMs: number; readonly modelMs: number; readonly decodeMs: number; readonly analysisMs: number };
}

export function inferenceMetrics(metrics: Metrics) {
  return {
    onInference: (ms: number): void => metrics.inferenceSeconds.observe(ms / 1000),
    onBatch: (batch: InferenceBatch): void => {
      const { lane, items, timings: t } = batch;
      metrics.inferenceBatchSize.observe({ lane }, items);
      metrics.inferenceQueueSeconds.observe({ lane }, batch.maxQueuedMs / 1000);
      const per = 1 / (1000 * Math.max(1, items));
      metrics.inferenceStageSeconds.observe({ lane, stage: 'preprocess' }, t.preprocessMs * per);
      metrics.inferenceStageSeconds.observe({ lane, stage: 'gate_wait' }, t.gateWaitMs * per);
      metrics.inferenceStageSeconds.observe({ lane, stage: 'model' }, t.modelMs * per);
      if (lane === 'detect') {
        metrics.inferenceStageSeconds.observe({ lane, stage: 'decode' }, t.decodeMs * per);
        metrics.inferenceStageSeconds.observe({ lane, stage: 'analysis' }, t.analysisMs * per);
      }
    },
    onProvider: (pool: { readonly executionProvider: string | null; readonly requestedProvider: string }): void => {
      metrics.inferenceProvider.reset();
      metrics.inferenceProvider.set({ provider: pool.executionProvider ?? 'none', requested: pool.requestedProvider }, 1);
    },
    onModelReload: (result: 'swapped' | 'refused' | 'unchanged'): void => metrics.modelReloads.inc({ result }),
  };
}

export function busMetrics(metrics: Metrics) {
  return (sink: string, event: { readonly type: string }): void => metrics.eventsPublished.inc({ sink, type: event.type });
}

export function websocketMetrics(metrics: Metrics) {
  return {
    onClientCount: (count: number): void => metrics.websocketClients.set(count),
    onDisconnect: (reason: string): void => {
      metrics.websocketDisconnects.inc({ reason });
      if (reason === 'slow_consumer') metrics.eventsFailed.inc({ sink: 'websocket', reason });
    },
  };
}

/** `journalMaxBytes`: the journal's bound, so dashboards and alerts see how full it is. */
export function kafkaMetrics(metrics: Metrics, journalMaxBytes: number) {
  metrics.kafkaJournalMaxBytes.set(journalMaxBytes);
  return {
    onDropped: (reason: string, count: number): void => metrics.eventsFailed.inc({ sink: 'kafka', reason }, count),
    onJournaled: (): void => metrics.kafkaJournaled.inc(),
    onSendFailed: (): void => metrics.kafkaSendFailures.inc(),
    onDelivered: (acceptedAt: readonly number[]): void => {
      const now = Date.now();
      metrics.kafkaDelivered.inc(acceptedAt.length);
      for (const at of acceptedAt) metrics.kafkaDeliverySeconds.observe((now - at) / 1000);
    },
    onJournal: (pending: number, bytes: number, full: boolean): void => {
      metrics.kafkaQueued.set(pending);
      metrics.kafkaJournalBytes.set(bytes);
      metrics.kafkaJournalFull.set(full ? 1 : 0);
    },
  };
}

export function webhookMetrics(metrics: Metrics) {
  return {
    onAttempt: (webhook: string, result: string): void => {
      metrics.webhookDeliveries.inc({ webhook, result });
      if (result === 'parked') metrics.webhookParked.inc({ webhook });
    },
    onDelivered: (webhook: string, acceptedAt: number): void => metrics.webhookDeliverySeconds.observe({ webhook }, (Date.now() - acceptedAt) / 1000),
    onDropped: (_webhook: string, reason: string, count: number): void => metrics.eventsFailed.inc({ sink: 'webhooks', reason }, count),
    onJournal: (webhook: string, pending: number, bytes: number): void => {
      metrics.webhookQueued.set({ webhook }, pending);
      metrics.webhookJournalBytes.set({ webhook }, bytes);
    },
    onRemoved: (webhook: string): void => void metrics.forgetWebhook(webhook),
  };
}

export function mqttMetrics(metrics: Metrics) {
  return {
    onDelivered: (acceptedAt: readonly number[]): void => {
      const now = Date.now();
      metrics.mqttDelivered.inc(acceptedAt.length);
      for (const at of acceptedAt) metrics.mqttDeliverySeconds.observe((now - at) / 1000);
    },
    onDropped: (reason: string, count: number): void => metrics.eventsFailed.inc({ sink: 'mqtt', reason }, count),
    onJournal: (pending: number, bytes: number): void => {
      metrics.mqttQueued.set(pending);
      metrics.mqttJournalBytes.set(bytes);
    },
    onConnectFailed: (): void => metrics.mqttConnectFailures.inc(),
    onState: (state: string): void => metrics.mqttConnected.set(state === 'connected' ? 1 : 0),
  };
}

export function liveMetrics(metrics: Metrics) {
  return {
    onViewers: (camera: string, count: number): void => metrics.liveViewers.set({ camera }, count),
    bytesSent: (camera: string): ((bytes: number) => void) => {
      const counter = metrics.liveBytesSent.labels({ camera });
      return (bytes) => counter.inc(bytes);
    },
    onDropped: (camera: string, reason: string, count: number): void => metrics.liveSegmentsDropped.inc({ camera, reason }, count),
    onRefused: (reason: string): void => metrics.liveViewersRefused.inc({ reason }),
  };
}

export function historyMetrics(metrics: Metrics) {
  return {
    onWritten: (events: number, ms: number): void => {
      metrics.historyWritten.inc(events);
      metrics.historyWriteSeconds.observe(ms / 1000);
    },
    onDropped: (reason: string, count: number): void => metrics.eventsFailed.inc({ sink: 'history', reason }, count),
    onDeleted: (reason: 'age' | 'size', count: number): void => metrics.historyDeleted.inc({ reason }, count),
    onUsage: (usage: { readonly events: number; readonly databaseBytes: number; readonly snapshotBytes: number }): void => {
      metrics.historyEvents.set(usage.events);
      metrics.historyBytes.set({ kind: 'database' }, usage.databaseBytes);
      metrics.historyBytes.set({ kind: 'snapshots' }, usage.snapshotBytes);
    },
    onSearch: (ms: number): void => metrics.faceSearchSeconds.observe(ms / 1000),
  };
}
