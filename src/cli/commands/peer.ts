import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FedMetaNasError } from '../../errors.js';
import { DEFAULT_LISTEN } from '../../node/constants.js';
import { loadPskFile } from '../../node/psk.js';
import { formatProgress, type ProgressRecord } from '../../node/runtime/progress.js';
import { Peer } from '../../node/runtime/peer.js';
import type { RoundSettings } from '../../node/runtime/settings.js';
import { TENSOR_ENCODINGS, type TensorEncoding } from '../../protocol/compression/container.js';
import type { SearchRunConfig } from '../../run/config.js';
import { DEFAULT_NETWORK_RUN, type NetworkRunOptions } from '../../run/network-config.js';
import { numberFlag, parseFlags } from '../args.js';
import { UsageError } from '../errors.js';
import { parseSearchArgs, SEARCH_USAGE } from './search.js';

type Options = NonNullable<ParseArgsConfig['options']>;
const N = DEFAULT_NETWORK_RUN;

/** Flags of the round protocol, shared by `peer` and `simulate`. */
export const NETWORK_FLAG_OPTIONS = {
  federation: { type: 'string' },
  compression: { type: 'string' },
  'topk-ratio': { type: 'string' },
  quorum: { type: 'string' },
  participation: { type: 'string' },
  'round-timeout': { type: 'string' },
  'failover-deadline': { type: 'string' },
  'start-timeout': { type: 'string' },
  'max-round-time': { type: 'string' },
  linger: { type: 'string' },
  'heartbeat-interval': { type: 'string' },
  'transfer-timeout': { type: 'string' },
  'min-peers': { type: 'string' },
} as const;

/** Usage lines of the round-protocol flags. */
export const NETWORK_FLAG_USAGE = `  --federation NAME       federation name (default: derived from the search flags)
  --compression C         update encoding: ${TENSOR_ENCODINGS.join(' | ')} (default ${N.compression}; others send deltas)
  --topk-ratio R          topk: fraction of entries sent per tensor (default 0.01)
  --quorum Q              fraction of the live participants needed after --round-timeout (default ${N.quorum}: all)
  --participation F       fraction of the live peers sampled to train each round (default ${N.participation})
  --round-timeout S       seconds an aggregator waits for every update before settling for a quorum (default ${N.roundTimeoutMs / 1000})
  --failover-deadline S   seconds rank k waits per rank before taking over from a live aggregator (default ${N.failoverDeadlineMs / 1000})
  --start-timeout S       seconds to wait for the federation at start (default ${N.startTimeoutMs / 1000})
  --max-round-time S      a round lasting longer fails the peer (default ${N.maxRoundMs / 1000})
  --linger S              seconds to keep serving the final model to peers still pulling it (default ${N.lingerMs / 1000})
  --heartbeat-interval S  seconds between heartbeats; a peer silent for 3 is dead (default ${N.heartbeatIntervalMs / 1000})
  --transfer-timeout S    seconds allowed for one model pull or update push (default ${N.transferTimeoutMs / 1000})
  --min-peers N           at the start of a fresh federation, wait for N ready peers (default --peers)`;

const PEER_OPTIONS = {
  ...NETWORK_FLAG_OPTIONS,
  index: { type: 'string' },
  listen: { type: 'string', multiple: true },
  announce: { type: 'string', multiple: true },
  bootstrap: { type: 'string', multiple: true },
  'psk-file': { type: 'string' },
  'identity-file': { type: 'string' },
  'data-dir': { type: 'string' },
  'dataset-dir': { type: 'string' },
  allow: { type: 'string', multiple: true },
  mdns: { type: 'boolean' },
  'stop-on-stdin-close': { type: 'boolean' },
} as const satisfies Options;

/** Usage text of `fedmetanas peer`. */
export const PEER_USAGE = `Usage: fedmetanas peer --index I --peers N --data-dir DIR [options] [search options]

Run one peer of a serverless federation: train on shard I of N, take part in the rounds (aggregating
when elected), and print one progress line per round (JSON when stdout is not a terminal).

  --index I               this peer's shard, 0..N-1 (required)
  --data-dir DIR          identity key, blobs, event log (events.jsonl) and checkpoint (required)
  --listen ADDR           listen multiaddr, repeatable or comma-separated (default ${DEFAULT_LISTEN[0]})
  --announce ADDR         multiaddr to advertise instead, repeatable or comma-separated
  --bootstrap ADDR        multiaddr with /p2p/<id> of a peer to join through, repeatable or comma-separated
  --psk-file FILE         federation key (libp2p pnet); without it the network is open
  --identity-file FILE    identity key (default <data-dir>/identity.key)
  --allow ID              only these peer IDs may connect, repeatable or comma-separated
  --dataset-dir DIR       folder with the dataset files (the --data-dir of \`search\`)
  --mdns                  also discover peers by multicast DNS (leaves the host)
${NETWORK_FLAG_USAGE}

Search options (as for \`fedmetanas search\`; every peer must use the same):
${SEARCH_USAGE.split('\n')
  .filter((l) =>
    /^ {2}--(method|peers|rounds|local|dataset|partition|alpha|min-size|classes|layers|channels|nodes|relax|meta|task|support|tau|prune|personalize|eval|backend|seed|json)/.test(
      l,
    ),
  )
  .join('\n')}
  -h, --help              show this help
`;

/**
 * Pull the flags of `options` out of `argv` (in any position, `--flag value` or `--flag=value`), parse
 * them strictly, and return the other arguments untouched (for another parser).
 */
export function splitFlags<T extends Options>(
  command: string,
  argv: string[],
  options: T,
): { values: ReturnType<typeof parseFlags<T>>['values']; rest: string[] } {
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const mine = new Set<number>();
  for (const t of tokens) {
    if (t.kind !== 'option' || !Object.hasOwn(options, t.name)) continue;
    mine.add(t.index);
    if (t.value !== undefined && !t.inlineValue) mine.add(t.index + 1);
  }
  const { values } = parseFlags(
    command,
    argv.filter((_, i) => mine.has(i)),
    options,
  );
  return { values, rest: argv.filter((_, i) => !mine.has(i)) };
}

/** Values of a repeatable, comma-separable flag. */
export function listFlag(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The parsed round-protocol flags (only those given). */
export function parseNetworkFlags(
  command: string,
  values: Partial<Record<keyof typeof NETWORK_FLAG_OPTIONS, string>>,
): Partial<NetworkRunOptions> {
  const seconds = (flag: keyof typeof NETWORK_FLAG_OPTIONS, min = 0.001) =>
    values[flag] === undefined ? undefined : numberFlag(command, flag, values[flag], 0, { min }) * 1000;
  const fraction = (flag: keyof typeof NETWORK_FLAG_OPTIONS) =>
    values[flag] === undefined
      ? undefined
      : numberFlag(command, flag, values[flag], 1, { min: 1e-9, max: 1 });
  const compression = values.compression;
  if (compression !== undefined && !(TENSOR_ENCODINGS as readonly string[]).includes(compression)) {
    throw new UsageError(
      `Error in fedmetanas ${command}: --compression must be one of ${TENSOR_ENCODINGS.join(', ')}, found '${compression}'.`,
    );
  }
  const out: Partial<NetworkRunOptions> = {
    federation: values.federation,
    compression: compression as TensorEncoding | undefined,
    topkRatio: fraction('topk-ratio'),
    quorum: fraction('quorum'),
    participation: fraction('participation'),
    roundTimeoutMs: seconds('round-timeout'),
    failoverDeadlineMs: seconds('failover-deadline'),
    startTimeoutMs: seconds('start-timeout'),
    maxRoundMs: seconds('max-round-time'),
    lingerMs: seconds('linger', 0),
    heartbeatIntervalMs: seconds('heartbeat-interval'),
    transferTimeoutMs: seconds('transfer-timeout'),
    minPeers:
      values['min-peers'] === undefined
        ? undefined
        : numberFlag(command, 'min-peers', values['min-peers'], 1, { integer: true, min: 1 }),
  };
  return Object.fromEntries(
    Object.entries(out).filter(([, v]) => v !== undefined),
  ) as Partial<NetworkRunOptions>;
}

/** The round settings of network options (defaults from `DEFAULT_NETWORK_RUN`). */
export function roundSettingsOf(net: Partial<NetworkRunOptions>, peers: number): Partial<RoundSettings> {
  const n = { ...DEFAULT_NETWORK_RUN, ...net };
  return {
    quorum: n.quorum,
    participation: n.participation,
    roundTimeoutMs: n.roundTimeoutMs,
    failoverDeadlineMs: n.failoverDeadlineMs,
    startTimeoutMs: n.startTimeoutMs,
    maxRoundMs: n.maxRoundMs,
    lingerMs: n.lingerMs,
    minPeers: n.minPeers ?? peers,
  };
}

/** `parseSearchArgs` for another command: its usage errors name that command. */
export function parseSearchFlagsFor(command: string, argv: string[]): ReturnType<typeof parseSearchArgs> {
  let parsed: ReturnType<typeof parseSearchArgs>;
  try {
    parsed = parseSearchArgs(argv);
  } catch (err) {
    if (err instanceof FedMetaNasError) {
      const Ctor = err.constructor as new (message: string, options?: { cause?: unknown }) => FedMetaNasError;
      throw new Ctor(err.message.replace('fedmetanas search', `fedmetanas ${command}`), { cause: err });
    }
    throw err;
  }
  if (parsed.config.retrainRounds > 0) {
    throw new UsageError(
      `Error in fedmetanas ${command}: --retrain-rounds is supported by \`fedmetanas search\` (in one process) only, found ${parsed.config.retrainRounds}.`,
    );
  }
  return parsed;
}

/** Parsed `fedmetanas peer` arguments. */
export interface PeerArgs {
  config: SearchRunConfig;
  index: number;
  dataDir: string;
  net: Partial<NetworkRunOptions>;
  listen: string[];
  announce: string[];
  bootstrap: string[];
  pskFile?: string;
  identityFile?: string;
  allow: string[];
  mdns: boolean;
  stopOnStdinClose: boolean;
  json: boolean;
  help: boolean;
}

/** Parse `fedmetanas peer` flags: its own, the round-protocol ones, and the search ones. */
export function parsePeerArgs(argv: string[]): PeerArgs {
  const { values, rest } = splitFlags('peer', argv, PEER_OPTIONS);
  const datasetDir = values['dataset-dir'];
  const search = parseSearchFlagsFor(
    'peer',
    datasetDir === undefined ? rest : [...rest, '--data-dir', datasetDir],
  );
  const help = search.help || values.index === undefined || values['data-dir'] === undefined;
  const base = {
    config: search.config,
    net: parseNetworkFlags('peer', values),
    listen: listFlag(values.listen),
    announce: listFlag(values.announce),
    bootstrap: listFlag(values.bootstrap),
    ...(values['psk-file'] !== undefined ? { pskFile: values['psk-file'] } : {}),
    ...(values['identity-file'] !== undefined ? { identityFile: values['identity-file'] } : {}),
    allow: listFlag(values.allow),
    mdns: values.mdns ?? false,
    stopOnStdinClose: values['stop-on-stdin-close'] ?? false,
    json: search.json,
  };
  if (help) {
    if (!search.help && argv.length > 0) {
      const missing = values.index === undefined ? '--index' : '--data-dir';
      throw new UsageError(`Error in fedmetanas peer: ${missing} is required, found none.`);
    }
    return { ...base, index: 0, dataDir: '', help: true };
  }
  const index = numberFlag('peer', 'index', values.index, 0, {
    integer: true,
    min: 0,
    max: search.config.peers - 1,
  });
  return { ...base, index, dataDir: values['data-dir'] as string, help: false };
}

/** `fedmetanas peer`: one node of a serverless federation. */
export async function peerCommand(argv: string[]): Promise<number> {
  const args = parsePeerArgs(argv);
  if (args.help) {
    console.log(PEER_USAGE);
    return 0;
  }
  const json = args.json || !process.stdout.isTTY;
  const emit = (r: ProgressRecord) => console.log(json ? JSON.stringify(r) : formatProgress(r));
  const psk = args.pskFile === undefined ? undefined : await loadPskFile(args.pskFile);
  if (psk === undefined)
    console.error('warning: no --psk-file: the federation is open to anyone who can reach it');
  const net = { ...DEFAULT_NETWORK_RUN, ...args.net };
  const peer = await Peer.start({
    config: args.config,
    index: args.index,
    dataDir: args.dataDir,
    ...(net.federation !== undefined ? { federation: net.federation } : {}),
    encoding: net.compression,
    ...(net.topkRatio !== undefined ? { topkRatio: net.topkRatio } : {}),
    round: roundSettingsOf(net, args.config.peers),
    node: {
      ...(psk ? { psk } : {}),
      ...(args.listen.length > 0 ? { listen: args.listen } : {}),
      ...(args.announce.length > 0 ? { announce: args.announce } : {}),
      bootstrap: args.bootstrap,
      ...(args.identityFile !== undefined ? { identityFile: args.identityFile } : {}),
      ...(args.allow.length > 0 ? { allowlist: args.allow } : {}),
      mdns: args.mdns,
      heartbeatIntervalMs: net.heartbeatIntervalMs,
      transferTimeoutMs: net.transferTimeoutMs,
    },
    onProgress: emit,
  });
  let stopping: NodeJS.Signals | 'stdin' | undefined;
  const stop = (why: NodeJS.Signals | 'stdin') => {
    stopping ??= why;
    void peer.stop();
  };
  const onSignal = (sig: NodeJS.Signals) => stop(sig);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (args.stopOnStdinClose) {
    process.stdin.on('end', () => stop('stdin'));
    process.stdin.on('error', () => stop('stdin'));
    process.stdin.resume();
  }
  try {
    await peer.run();
    return 0;
  } catch (err) {
    if (stopping !== undefined) {
      console.error(`peer ${args.index} stopped (${stopping})`);
      return stopping === 'SIGINT' ? 130 : 143;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    if (json)
      emit({
        type: 'error',
        index: args.index,
        peer: peer.node.peerId.toString(),
        name: e.name,
        message: e.message,
      });
    if (err instanceof FedMetaNasError) throw err;
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (args.stopOnStdinClose) process.stdin.pause();
    await peer.stop();
  }
}
