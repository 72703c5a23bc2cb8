import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, retryAfterMs } from "../../../src/runtime/api-error.js";
import { retryWaitMs } from "../../../src/runtime/request-sender.js";

const status = (code: number, reason: string, retryAfterSeconds?: number) =>
  JSON.stringify({
    kind: "Status",
    code,
    reason,
    message: "busy",
    ...(retryAfterSeconds !== undefined && { details: { retryAfterSeconds } }),
  });

void test("retry-after: read from the Status details, else from the Retry-After header", () => {
  assert.equal(ApiError.fromResponse(429, status(429, "TooManyRequests", 2), "GET /x").retryAfterSeconds, 2);
  assert.equal(ApiError.fromResponse(429, "Too many requests", "GET /x", "3").retryAfterSeconds, 3);
  assert.equal(
    ApiError.fromResponse(503, "x", "GET /x", "Wed, 21 Oct 2015 07:28:00 GMT").retryAfterSeconds,
    undefined,
    "an HTTP date is not a number of seconds",
  );
});

void test("retry-after: the client sends again only when the server asked, at most 10 times", () => {
  const tooMany = ApiError.fromResponse(429, status(429, "TooManyRequests", 1), "GET /x");
  assert.equal(retryWaitMs(tooMany, 1), 1000);
  assert.equal(retryWaitMs(tooMany, 10), 1000);
  assert.equal(retryWaitMs(tooMany, 11), undefined, "client-go's maxRetries: 10");

  const unavailable = ApiError.fromResponse(503, "shutting down", "GET /x", "2");
  assert.equal(retryWaitMs(unavailable, 1), 2000, "a 5xx with Retry-After");
  const internal = ApiError.fromResponse(500, status(500, "InternalError"), "GET /x");
  assert.equal(retryWaitMs(internal, 1), undefined, "a 5xx without Retry-After is the caller's to handle");
  const conflict = new ApiError("conflict", { status: 409, reason: "Conflict", retryAfterSeconds: 1 });
  assert.equal(retryWaitMs(conflict, 1), undefined, "only 429 and 5xx are retried");
  assert.equal(retryWaitMs(Object.assign(new Error("reset"), { code: "ECONNRESET" }), 1), undefined);
});

void test("retry-after: bounded to 30 s, and found through wrapping errors for the work queue", () => {
  const slow = ApiError.fromResponse(429, "x", "GET /x", "3600");
  assert.equal(retryAfterMs(slow), 30_000);
  assert.equal(retryWaitMs(slow, 1), 30_000);
  const wrapped = new Error("creating the extract Job failed", { cause: slow });
  assert.equal(retryAfterMs(wrapped), 30_000);
  assert.equal(retryAfterMs(new Error("plain")), undefined);
  assert.equal(retryAfterMs("not an error"), undefined);
});
