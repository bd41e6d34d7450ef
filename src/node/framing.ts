import type { AbortOptions, Stream } from '@libp2p/interface';
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils';
import { DEFAULT_HIGH_WATER_MARK, YAMUX_MAX_WINDOW_BYTES } from './constants.js';

/** Options of `FramedStream`. */
export interface FramedStreamOptions {
  /** Largest frame accepted (a longer length prefix aborts the read). */
  maxFrameBytes: number;
  /** Pause the stream when more unread bytes than this are buffered (raised to 2 frames if lower). */
  highWaterMark?: number;
}

/**
 * Length-prefixed frames over a libp2p stream (`lpStream`), with real reader backpressure: libp2p
 * readers do not push back on their own, so the stream is paused (yamux then stops granting window
 * and the sender's `send` waits for drain) while more than `highWaterMark` unread bytes are buffered,
 * and resumed once the reader has caught up. Writes wait for drain, so senders never outrun the wire.
 */
export class FramedStream {
  private readonly lp: LengthPrefixedStream<Stream>;
  private readonly highWaterMark: number;
  private readonly lowWaterMark: number;
  private received = 0;
  private consumed = 0;
  /** Payload bytes read and written (without length prefixes). */
  bytesRead = 0;
  bytesWritten = 0;
  /** Backpressure statistics: times the stream was paused, and the most unread bytes ever buffered. */
  pauses = 0;
  peakBuffered = 0;

  constructor(
    readonly stream: Stream,
    options: FramedStreamOptions,
  ) {
    const frame = options.maxFrameBytes + varintLength(options.maxFrameBytes);
    this.highWaterMark = Math.max(options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK, 2 * frame);
    this.lowWaterMark = frame;
    // After a pause yamux may still deliver what the sender's window allowed: keep room for it.
    const bufferLimit = this.highWaterMark + YAMUX_MAX_WINDOW_BYTES + frame;
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, bufferLimit);
    stream.addEventListener('message', (evt) => {
      this.received += evt.data.byteLength;
      const buffered = this.received - this.consumed;
      if (buffered > this.peakBuffered) this.peakBuffered = buffered;
      if (buffered > this.highWaterMark && stream.readStatus === 'readable') {
        stream.pause();
        this.pauses++;
      }
    });
    this.lp = lpStream(stream, { maxDataLength: options.maxFrameBytes, maxBufferSize: bufferLimit });
  }

  /** Next frame; throws at end of stream (`UnexpectedEOFError`) or when `signal` aborts. */
  async read(options?: AbortOptions): Promise<Uint8Array> {
    const list = await this.lp.read(options);
    this.consumed += list.byteLength + varintLength(list.byteLength);
    this.bytesRead += list.byteLength;
    if (this.stream.readStatus === 'paused' && this.received - this.consumed <= this.lowWaterMark) {
      this.stream.resume();
    }
    return list.subarray();
  }

  /** Write one frame, waiting for drain when the stream's send buffer is full. */
  async write(frame: Uint8Array, options?: AbortOptions): Promise<void> {
    await this.lp.write(frame, options);
    this.bytesWritten += frame.byteLength;
  }

  /** Half-close the writable end once queued bytes are sent. */
  async closeWrite(options?: AbortOptions): Promise<void> {
    await this.stream.close(options);
  }

  /** Abort the stream (both directions) with `err`. */
  abort(err: Error): void {
    this.stream.abort(err);
  }
}

/** Bytes of the unsigned varint length prefix of `n`. */
export function varintLength(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    bytes++;
  }
  return bytes;
}
