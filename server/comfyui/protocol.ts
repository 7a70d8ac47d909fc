import { z } from "zod";
import { zRecordOf } from "@/lib/graph";

/**
 * ComfyUI's wire protocol as captured from a real 0.8.0 server
 * (shared/comfyui): websocket messages, binary frames and the HTTP bodies we
 * read. Object schemas are loose on purpose: newer servers add keys we must
 * carry, not reject.
 */

// ---------------------------------------------------------------------------
// API prompt (the body of POST /prompt)

export const zApiPromptNode = z.looseObject({
  class_type: z.string(),
  inputs: zRecordOf(z.string(), z.unknown()),
  _meta: z.looseObject({ title: z.string().optional() }).optional(),
});
export type ApiPromptNode = z.infer<typeof zApiPromptNode>;

export const zApiPrompt = zRecordOf(z.string(), zApiPromptNode);
export type ApiPrompt = z.infer<typeof zApiPrompt>;

// ---------------------------------------------------------------------------
// Websocket text messages ({"type", "data"})

export const zStatusData = z.looseObject({
  status: z.looseObject({ exec_info: z.looseObject({ queue_remaining: z.number() }) }),
  /** Only in the first status after connecting: the client id the server assigned (ours, echoed). */
  sid: z.string().optional(),
});

export const zFeatureFlagsData = z.looseObject({
  supports_preview_metadata: z.boolean().optional(),
  max_upload_size: z.number().optional(),
});

export const zExecutionStartData = z.looseObject({ prompt_id: z.string(), timestamp: z.number() });

export const zExecutionCachedData = z.looseObject({
  nodes: z.array(z.string()),
  prompt_id: z.string(),
  timestamp: z.number(),
});

export const zExecutingData = z.looseObject({
  /** `null` marks the end of a prompt. */
  node: z.string().nullable(),
  display_node: z.string().optional(),
  /** Absent in the `executing` a server replays to a client that reconnects mid-run. */
  prompt_id: z.string().optional(),
});

export const zProgressData = z.looseObject({
  value: z.number(),
  max: z.number(),
  prompt_id: z.string(),
  node: z.string(),
});

export const zNodeProgressState = z.looseObject({
  value: z.number(),
  max: z.number(),
  state: z.string(),
  node_id: z.string(),
  prompt_id: z.string(),
  display_node_id: z.string().nullish(),
  parent_node_id: z.string().nullish(),
  real_node_id: z.string().nullish(),
});
export type NodeProgressState = z.infer<typeof zNodeProgressState>;

export const zProgressStateData = z.looseObject({
  prompt_id: z.string(),
  nodes: zRecordOf(z.string(), zNodeProgressState),
});
export type ProgressStateData = z.infer<typeof zProgressStateData>;

/** What an output node reports: `{images:[{filename,subfolder,type}]}`, `{text:[...]}`, …; `null` for a cached non-output node. */
export const zNodeOutput = zRecordOf(z.string(), z.unknown());
export type NodeOutput = z.infer<typeof zNodeOutput>;

export const zExecutedData = z.looseObject({
  node: z.string(),
  display_node: z.string().optional(),
  output: zNodeOutput.nullable(),
  prompt_id: z.string(),
});

export const zExecutionSuccessData = z.looseObject({ prompt_id: z.string(), timestamp: z.number() });

export const zExecutionErrorData = z.looseObject({
  prompt_id: z.string(),
  node_id: z.string(),
  node_type: z.string(),
  executed: z.array(z.string()),
  exception_message: z.string(),
  exception_type: z.string(),
  traceback: z.array(z.string()),
  current_inputs: z.unknown(),
  current_outputs: z.unknown(),
  timestamp: z.number().optional(),
});
export type ExecutionErrorData = z.infer<typeof zExecutionErrorData>;

export const zExecutionInterruptedData = z.looseObject({
  prompt_id: z.string(),
  node_id: z.string(),
  node_type: z.string(),
  executed: z.array(z.string()),
  timestamp: z.number().optional(),
});
export type ExecutionInterruptedData = z.infer<typeof zExecutionInterruptedData>;

const message = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data });

export const zWsKnownMessage = z.discriminatedUnion("type", [
  message("status", zStatusData),
  message("feature_flags", zFeatureFlagsData),
  message("execution_start", zExecutionStartData),
  message("execution_cached", zExecutionCachedData),
  message("executing", zExecutingData),
  message("progress", zProgressData),
  message("progress_state", zProgressStateData),
  message("executed", zExecutedData),
  message("execution_success", zExecutionSuccessData),
  message("execution_error", zExecutionErrorData),
  message("execution_interrupted", zExecutionInterruptedData),
]);
export type WsKnownMessage = z.infer<typeof zWsKnownMessage>;

/** A message we do not know, or a known type whose data does not match: kept for logging, never thrown. */
export interface WsUnknownMessage {
  type: "unknown";
  /** The `type` the server sent, or null when the text was not a `{type, data}` object. */
  rawType: string | null;
  data: unknown;
  /** Why it was not recognised. */
  reason: string;
}

export type WsMessage = WsKnownMessage | WsUnknownMessage;
export type WsMessageType = WsKnownMessage["type"];
export type WsMessageOf<T extends WsMessageType> = Extract<WsKnownMessage, { type: T }>;

const knownTypes = new Set<string>(zWsKnownMessage.options.map((o) => o.shape.type.value));

/** Parses one websocket text frame. Never throws: anything unrecognised becomes an `unknown` message. */
export function parseWsText(text: string): WsMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { type: "unknown", rawType: null, data: text, reason: `not JSON: ${(error as Error).message}` };
  }
  return parseWsJson(raw);
}

/** Like parseWsText, for an already parsed JSON value. */
export function parseWsJson(raw: unknown): WsMessage {
  if (typeof raw !== "object" || raw === null || typeof (raw as { type?: unknown }).type !== "string") {
    return { type: "unknown", rawType: null, data: raw, reason: "not a {type, data} object" };
  }
  const rawType = (raw as { type: string }).type;
  const data = (raw as { data?: unknown }).data;
  if (!knownTypes.has(rawType)) return { type: "unknown", rawType, data, reason: "unknown message type" };
  const parsed = zWsKnownMessage.safeParse({ type: rawType, data });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `data.${issue.path.join(".")}: ${issue.message}` : "invalid data";
    return { type: "unknown", rawType, data, reason: `malformed ${rawType} message (${where})` };
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------
// Websocket binary frames: big-endian uint32 event type, then the payload

export const binaryEventTypes = {
  PREVIEW_IMAGE: 1,
  /** Used only inside the server; never sent on the wire. */
  UNENCODED_PREVIEW_IMAGE: 2,
  TEXT: 3,
  PREVIEW_IMAGE_WITH_METADATA: 4,
} as const;

export const zPreviewMetadata = z.looseObject({
  node_id: z.string(),
  prompt_id: z.string(),
  display_node_id: z.string().nullish(),
  parent_node_id: z.string().nullish(),
  real_node_id: z.string().nullish(),
  image_type: z.string(),
});
export type PreviewMetadata = z.infer<typeof zPreviewMetadata>;

export type BinaryFrame =
  | { type: "preview_image"; format: "jpeg" | "png" | "unknown"; formatCode: number; image: Uint8Array }
  | { type: "text"; nodeId: string; text: string }
  | { type: "preview_image_with_metadata"; metadata: PreviewMetadata; image: Uint8Array }
  | { type: "unknown_binary"; eventType: number | null; payload: Uint8Array; reason: string };

const utf8 = new TextDecoder("utf-8");

/** Parses one websocket binary frame. Never throws: short or unknown frames become `unknown_binary`. */
export function parseBinaryFrame(frame: Uint8Array): BinaryFrame {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.byteLength < 4) {
    return { type: "unknown_binary", eventType: null, payload: frame, reason: "frame shorter than its 4-byte event type" };
  }
  const eventType = view.getUint32(0);
  const unknown = (reason: string): BinaryFrame => ({ type: "unknown_binary", eventType, payload: frame.subarray(4), reason });
  if (eventType === binaryEventTypes.PREVIEW_IMAGE) {
    if (frame.byteLength < 8) return unknown("PREVIEW_IMAGE frame without its image format");
    const formatCode = view.getUint32(4);
    const format = formatCode === 1 ? "jpeg" : formatCode === 2 ? "png" : "unknown";
    return { type: "preview_image", format, formatCode, image: frame.subarray(8) };
  }
  if (eventType === binaryEventTypes.TEXT || eventType === binaryEventTypes.PREVIEW_IMAGE_WITH_METADATA) {
    if (frame.byteLength < 8) return unknown("frame without its length prefix");
    const length = view.getUint32(4);
    if (8 + length > frame.byteLength) return unknown(`length prefix ${length} runs past the end of the frame`);
    const head = utf8.decode(frame.subarray(8, 8 + length));
    const rest = frame.subarray(8 + length);
    if (eventType === binaryEventTypes.TEXT) return { type: "text", nodeId: head, text: utf8.decode(rest) };
    let metadata: unknown;
    try {
      metadata = JSON.parse(head);
    } catch {
      return unknown("preview metadata is not JSON");
    }
    const parsed = zPreviewMetadata.safeParse(metadata);
    if (!parsed.success) return unknown("preview metadata lacks node_id/prompt_id/image_type");
    return { type: "preview_image_with_metadata", metadata: parsed.data, image: rest };
  }
  return unknown(`unknown binary event type ${eventType}`);
}

/** Builds a binary frame (used by the simulator; the inverse of parseBinaryFrame). */
export function encodeBinaryFrame(frame: Exclude<BinaryFrame, { type: "unknown_binary" }>, options: { encodeJson?: (value: unknown) => string } = {}): Buffer {
  const head = Buffer.alloc(8);
  switch (frame.type) {
    case "preview_image":
      head.writeUInt32BE(binaryEventTypes.PREVIEW_IMAGE, 0);
      head.writeUInt32BE(frame.formatCode, 4);
      return Buffer.concat([head, frame.image]);
    case "text": {
      const id = Buffer.from(frame.nodeId, "utf8");
      head.writeUInt32BE(binaryEventTypes.TEXT, 0);
      head.writeUInt32BE(id.length, 4);
      return Buffer.concat([head, id, Buffer.from(frame.text, "utf8")]);
    }
    case "preview_image_with_metadata": {
      const json = Buffer.from((options.encodeJson ?? JSON.stringify)(frame.metadata), "utf8");
      head.writeUInt32BE(binaryEventTypes.PREVIEW_IMAGE_WITH_METADATA, 0);
      head.writeUInt32BE(json.length, 4);
      return Buffer.concat([head, json, frame.image]);
    }
  }
}

// ---------------------------------------------------------------------------
// HTTP bodies

/** One validation error of a node (`node_errors[id].errors[i]`). */
export const zPromptValidationError = z.looseObject({
  type: z.string(),
  message: z.string(),
  details: z.string(),
  extra_info: z
    .looseObject({
      input_name: z.string().optional(),
      input_config: z.unknown().optional(),
      received_value: z.unknown().optional(),
      received_type: z.unknown().optional(),
      linked_node: z.unknown().optional(),
      exception_message: z.string().optional(),
      exception_type: z.string().optional(),
      traceback: z.array(z.string()).optional(),
    })
    .optional(),
});
export type PromptValidationError = z.infer<typeof zPromptValidationError>;

export const zPromptNodeErrors = zRecordOf(
  z.string(),
  z.looseObject({
    errors: z.array(zPromptValidationError),
    dependent_outputs: z.array(z.string()),
    class_type: z.string(),
  }),
);
export type PromptNodeErrors = z.infer<typeof zPromptNodeErrors>;

/** `200` from POST /prompt. `node_errors` may be non-empty: the invalid outputs were dropped, the valid ones queued. */
export const zPromptAccepted = z.looseObject({
  prompt_id: z.string(),
  number: z.number(),
  node_errors: zPromptNodeErrors,
});
export type PromptAccepted = z.infer<typeof zPromptAccepted>;

/** `400` from POST /prompt. */
export const zPromptRejected = z.looseObject({
  error: z.looseObject({
    type: z.string(),
    message: z.string(),
    details: z.string(),
    extra_info: zRecordOf(z.string(), z.unknown()).optional(),
  }),
  node_errors: zPromptNodeErrors,
});
export type PromptRejected = z.infer<typeof zPromptRejected>;

/** `GET /prompt`. */
export const zPromptInfo = z.looseObject({ exec_info: z.looseObject({ queue_remaining: z.number() }) });

/** A queue item: `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
export const zQueueItem = z
  .tuple([
    z.number(),
    z.string(),
    zRecordOf(z.string(), z.unknown()),
    z.looseObject({ client_id: z.string().nullish(), create_time: z.number().optional() }),
    z.array(z.string()),
  ])
  .rest(z.unknown());
export type QueueItem = z.infer<typeof zQueueItem>;

export const zQueue = z.looseObject({ queue_running: z.array(zQueueItem), queue_pending: z.array(zQueueItem) });
export type Queue = z.infer<typeof zQueue>;

export const zHistoryStatusMessage = z.tuple([z.string(), zRecordOf(z.string(), z.unknown())]);

export const zHistoryEntry = z.looseObject({
  prompt: zQueueItem,
  outputs: zRecordOf(z.string(), zNodeOutput),
  status: z
    .looseObject({
      status_str: z.string(),
      completed: z.boolean(),
      messages: z.array(zHistoryStatusMessage),
    })
    .optional(),
  meta: zRecordOf(z.string(), z.unknown()).optional(),
});
export type HistoryEntry = z.infer<typeof zHistoryEntry>;

/** `GET /history` and `GET /history/<id>`: prompt id → entry (`{}` when unknown). */
export const zHistory = zRecordOf(z.string(), zHistoryEntry);
export type History = z.infer<typeof zHistory>;

/** A file reference in an output: what `/view` takes. */
export const zFileRef = z.looseObject({
  filename: z.string(),
  subfolder: z.string(),
  type: z.string(),
});
export type FileRef = z.infer<typeof zFileRef>;

export const zSystemStats = z.looseObject({
  system: z.looseObject({
    os: z.string(),
    ram_total: z.number(),
    ram_free: z.number(),
    comfyui_version: z.string(),
    python_version: z.string(),
    pytorch_version: z.string(),
    embedded_python: z.boolean(),
    argv: z.array(z.string()),
  }),
  devices: z.array(
    z.looseObject({
      name: z.string(),
      type: z.string(),
      index: z.number().nullable(),
      vram_total: z.number(),
      vram_free: z.number(),
      torch_vram_total: z.number(),
      torch_vram_free: z.number(),
    }),
  ),
});
export type SystemStats = z.infer<typeof zSystemStats>;

/** `POST /upload/image`. */
export const zUploadResult = z.looseObject({ name: z.string(), subfolder: z.string(), type: z.string() });
export type UploadResult = z.infer<typeof zUploadResult>;
