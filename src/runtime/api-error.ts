// Errors from the apiserver, classified the way apimachinery's errors package does.

export interface StatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** A non-2xx answer from the apiserver, carrying its metav1.Status when there was one. */
export class ApiError extends Error {
  override name = "ApiError";
  /** HTTP status code. */
  readonly status: number;
  /** Status.reason: NotFound, AlreadyExists, Conflict, Expired, Gone, Forbidden, Invalid, … */
  readonly reason?: string;
  readonly causes?: StatusCause[];
  /** Seconds the server asked us to wait (429 / 5xx with Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    message: string,
    opts: { status: number; reason?: string; causes?: StatusCause[]; retryAfterSeconds?: number },
  ) {
    super(message);
    this.status = opts.status;
    if (opts.reason !== undefined) this.reason = opts.reason;
    if (opts.causes !== undefined) this.causes = opts.causes;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  /** Builds an ApiError from an HTTP status and a response body (a Status object or anything else). */
  static fromResponse(status: number, body: string, what: string, retryAfter?: string): ApiError {
    const parsed = parseStatus(body);
    const message = parsed?.message || body.trim().slice(0, 500) || `HTTP ${status}`;
    const opts: ConstructorParameters<typeof ApiError>[1] = { status };
    if (parsed?.reason) opts.reason = parsed.reason;
    if (parsed?.details?.causes) opts.causes = parsed.details.causes;
    const retry = parsed?.details?.retryAfterSeconds ?? (retryAfter ? Number(retryAfter) : undefined);
    if (retry !== undefined && Number.isFinite(retry)) opts.retryAfterSeconds = retry;
    return new ApiError(`${what}: ${message}`, opts);
  }
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: StatusCause[]; retryAfterSeconds?: number };
}

function parseStatus(body: string): StatusBody | undefined {
  try {
    const v = JSON.parse(body) as StatusBody | null;
    return v && typeof v === "object" && v.kind === "Status" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** True for a metav1.Status saying the requested resourceVersion is gone (watch ERROR events). */
export function isGoneStatus(obj: unknown): boolean {
  if (!obj || typeof obj !== "object") return false;
  const s = obj as StatusBody;
  return s.code === 410 || s.reason === "Expired" || s.reason === "Gone";
}

const apiError = (e: unknown): ApiError | undefined => (e instanceof ApiError ? e : undefined);

export const isNotFound = (e: unknown): boolean => apiError(e)?.status === 404;
export const isAlreadyExists = (e: unknown): boolean => apiError(e)?.reason === "AlreadyExists";
export const isConflict = (e: unknown): boolean => {
  const err = apiError(e);
  return err?.status === 409 && err.reason !== "AlreadyExists";
};
export const isGone = (e: unknown): boolean => {
  const err = apiError(e);
  return err !== undefined && (err.status === 410 || err.reason === "Expired" || err.reason === "Gone");
};
export const isForbidden = (e: unknown): boolean => apiError(e)?.status === 403;
export const isInvalid = (e: unknown): boolean => apiError(e)?.status === 422;

/** A Retry-After beyond this is waited for this long: every wait stays bounded. */
const maxRetryAfterSeconds = 30;

/**
 * How long the apiserver asked us to wait before trying again (429, or a 5xx with Retry-After),
 * at most 30 s, looking through `cause` chains; undefined when it did not say.
 */
export function retryAfterMs(e: unknown): number | undefined {
  for (let err = e, depth = 0; err instanceof Error && depth < 10; err = err.cause, depth++) {
    if (err instanceof ApiError && err.retryAfterSeconds !== undefined) {
      return Math.min(Math.max(err.retryAfterSeconds, 0), maxRetryAfterSeconds) * 1000;
    }
  }
  return undefined;
}
