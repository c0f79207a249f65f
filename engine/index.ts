export {
  CODES,
  type BlockCode,
  type BlockCodes,
  type Code,
  type CodeInfo,
  type EngineCode,
  type HttpCode,
  type LoadCode,
  type Origin,
} from './codes.js';
export { CATALOG } from './catalog.js';
export type { Diagnostic } from './diagnostic.js';
export { BotflowError } from './error.js';
export { isIdentifier, isSystemVariable, SYSTEM_VARIABLES, type SystemVariable } from './names.js';
export * from './payload/index.js';
export * from './links/index.js';
export type { Block, BlockType } from '../blocks/registry.js';
export { toDot } from './export/dot.js';
export { toMermaid } from './export/mermaid.js';
export { blockEdges, scriptEdges } from './script/edges.js';
export { scriptJsonSchema } from './script/json-schema.js';
export { checkScript, loadScript, parseScript, readScriptFile, type LoadOptions } from './script/load.js';
export { formatProblem, ScriptError, type Position, type ScriptProblem } from './script/problem.js';
export { outlineScript, problemBlock, type OutlineBlock, type ScriptOutline } from './script/outline.js';
export { formatPath, type YamlPath } from './script/yaml-path.js';
export { copyBlocks } from './edit/copy.js';
export { editScript } from './edit/edit.js';
export type {
  EditContext,
  EditOperation,
  EditResult,
  JsonValue,
  Port,
  TextChange,
  WayKind,
} from './edit/operation.js';
export { DEFAULT_MAX_BYTES as SCRIPT_MAX_BYTES } from './script/read-yaml.js';
export type { Script, ScriptValue } from './script/script.js';
export {
  AmbiguousStartError,
  Bot,
  ConversationConflictError,
  createBot,
  REPLY_LIMIT,
  type BotOptions,
  type SendOptions,
  type StartOptions,
} from './runtime/bot.js';
export type { HttpClient, HttpOutcome, HttpRequest } from './http/types.js';
export { ConversationKeyError, isConversationKey, KEY_LIMIT } from './runtime/key.js';
export { KeyedQueue } from './runtime/queue.js';
export { DEFAULT_MAX_VARIABLE_BYTES, DEFAULT_MAX_VARIABLES, VariableLimitError } from './runtime/limits.js';
export { compileScript } from './runtime/machine.js';
export { MissingEnvError, missingEnv, missingEnvMessage, requireEnv } from './runtime/env.js';
export { secretMasker } from './runtime/mask.js';
export { buttonChoices } from './runtime/buttons.js';
export { TRANSCRIPT_BYTES, TRANSCRIPT_LIMIT, type TranscriptMessage } from './runtime/transcript.js';
export type {
  Choice,
  InputKind,
  OutgoingMessage,
  Turn,
  TurnInput,
  Value,
  Variables,
} from './runtime/types.js';
export { INPUT_KINDS } from './runtime/types.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory.js';
export { PostgresStore, type PostgresStoreOptions } from './store/postgres.js';
export { RedisStore, type RedisStoreOptions } from './store/redis.js';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite.js';
export { StoreUncertainError, StoreUnavailableError } from './store/unavailable.js';
export { ConversationBusyError } from './store/busy.js';
export { isStartToken } from './links/token.js';
export { issueStartToken, resolveStartToken, type ResolvedToken } from './links/token-store.js';
export { linkReport, type LinkReportRow } from './links/listing.js';
export {
  isLinkStore,
  LINK_RECORD_BYTES,
  type LinkRecord,
  type LinkStore,
  type LinkTimes,
  type ListedLink,
} from './store/links.js';
export {
  CONVERSATION_STATUSES,
  isReportingStore,
  type ConversationStatus,
  type FunnelCount,
  type Hold,
  type ListedConversation,
  type ListFilter,
  type ReportingStore,
  type SessionStore,
  type StoredRecord,
  type TurnSummary,
  type Unlock,
} from './store/types.js';
export {
  createHttpClient,
  createTransport,
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpOptions,
  type TransportOptions,
} from './http/client.js';
export { isBlockedAddress } from './http/guard.js';
export { retrying, type RetryOptions, type Transport } from './http/retry.js';
export { compilePattern, PATTERN_LIMIT, type Pattern } from './pattern.js';
export { readYamlData, validateAt, type YamlData } from './script/yaml-data.js';
export type { TraceEvent } from './runtime/types.js';
export {
  csvCell,
  DEFAULT_VARIABLES,
  linkReportText,
  FIXED_COLUMNS,
  parseAge,
  parseTimePoint,
  readFunnel,
  REPORT_FORMATS,
  reportFormat,
  reportingStore,
  reportRows,
  reportText,
  type Funnel,
  type FunnelBlock,
  type FunnelEdge,
  type ReportFormat,
  type ReportOptions,
  type ReportRow,
  type ReportTextOptions,
  type RowFormat,
  type Stopped,
} from './report/index.js';
