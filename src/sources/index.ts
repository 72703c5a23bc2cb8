// The distributions' own download trees: a distribution, release, architecture and edition (plus an
// optional site mirror) name an ISO and its checksum file without a URL.
export type { SourceLayout } from "./layout.js";
export { editions, editionsOf, hasDailyBuilds, type Edition } from "./editions.js";
export {
  layoutFor,
  resolveOfficial,
  type OfficialRequest,
  type OfficialSource,
  type ReadText,
} from "./resolve.js";
