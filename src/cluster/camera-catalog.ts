import type { ApiCameraStore, StoredCamera } from '../cameras';
import type { KafkaProducer } from '../kafka';
import { partitionOf } from './topics';

/**
 * API cameras in cluster mode: the compacted cameras topic, read in full into memory by every
 * gateway. A write is produced to the camera's own partition and applied here as soon as Kafka
 * has acknowledged it (read-your-writes); the record comes back through the reader later and is
 * applied again, which changes nothing.
 */
export class CameraCatalog implements ApiCameraStore {
  readonly #cameras = new Map<string, StoredCamera>();
  readonly #topic: string;
  readonly #producer: KafkaProducer;
  readonly #partitions: () => number;
  readonly #changed: () => void;

  constructor(options: { topic: string; producer: KafkaProducer; partitions: () => number; changed: () => void }) {
    this.#topic = options.topic;
    this.#producer = options.producer;
    this.#partitions = options.partitions;
    this.#changed = options.changed;
  }

  cameras(): StoredCamera[] {
    return [...this.#cameras.values()];
  }

  camera(id: string): StoredCamera | null {
    return this.#cameras.get(id) ?? null;
  }

  async insert(id: string, config: Record<string, unknown>): Promise<boolean> {
    if (this.#cameras.has(id)) return false;
    await this.#write(id, config);
    return true;
  }

  async update(id: string, config: Record<string, unknown>): Promise<boolean> {
    if (!this.#cameras.has(id)) return false;
    await this.#write(id, config);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    if (!this.#cameras.has(id)) return false;
    await this.#write(id, null);
    return true;
  }

  /** A record from the topic (or our own write, acknowledged). Returns whether anything changed. */
  apply(id: string, config: Record<string, unknown> | null): boolean {
    const before = this.#cameras.get(id);
    if (config === null) {
      if (!before) return false;
      this.#cameras.delete(id);
    } else {
      if (before && JSON.stringify(before.config) === JSON.stringify(config)) return false;
      this.#cameras.set(id, { id, config });
    }
    this.#changed();
    return true;
  }

  async #write(id: string, config: Record<string, unknown> | null): Promise<void> {
    await this.#producer.send(this.#topic, [{ key: id, value: config === null ? null : JSON.stringify(config), partition: partitionOf(id, this.#partitions()) }]);
    this.apply(id, config);
  }
}
