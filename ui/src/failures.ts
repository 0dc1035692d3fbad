// `failed.code` (core's FailureCode) -> the plain words a patient reads. The code itself is shown
// small for staff. The table is exhaustive (the compiler checks it against the generated type);
// a code this build does not know yet gets the generic "please go to the staff window".
import type { MessageKey } from "./i18n";
import type { FailureCode } from "./types";

const WORDS: Readonly<Record<FailureCode, MessageKey>> = {
  TERMINAL_NOT_CONNECTED: "failure.terminal",
  TERMINAL_LOST: "failure.terminal",
  TERMINAL_TIMEOUT: "failure.terminal",
  TERMINAL_ERROR: "failure.terminal",
  FACE_SCAN_TIMEOUT: "failure.faceScanTimeout",
  CONFIRMATION_TIMEOUT: "failure.confirmationTimeout",
  FACE_APP_UPDATING: "failure.faceAppUpdating",
  FACE_SDK_NOT_READY: "failure.faceSdkNotReady",
  FACE_SDK_ERROR: "failure.faceSdkError",
  FACE_AUTH_NOT_PERMITTED: "failure.notAuthorized",
  WECHAT_UNREACHABLE: "failure.network",
  WECHAT_TIMEOUT: "failure.network",
  WECHAT_SERVER_ERROR: "failure.network",
  WECHAT_RATE_LIMITED: "failure.network",
  WECHAT_AUTH_REJECTED: "failure.kiosk",
  WECHAT_REQUEST_REJECTED: "failure.kiosk",
  WECHAT_REFUSED: "failure.wechatRefused",
  WECHAT_RESPONSE_UNVERIFIED: "failure.kiosk",
  WECHAT_RESPONSE_MALFORMED: "failure.kiosk",
  CLOCK_SKEW: "failure.clock",
  KEY_SETUP: "failure.config",
  REQUEST_UNSENDABLE: "failure.kiosk",
  IDENTITY_UNDECRYPTABLE: "failure.identityInvalid",
  IDENTITY_INCOMPLETE: "failure.noRealName",
  RECORDS_UNAVAILABLE: "failure.records",
  HAND_OVER_FAILED: "failure.handOver",
  HAND_OVER_REFUSED: "failure.handOverRefused",
  IDENTITY_MISMATCH: "failure.identityMismatch",
  INTERNAL_ERROR: "failure.internal",
};

/** Every failure code this build has words for. */
export const KNOWN_FAILURE_CODES = Object.keys(WORDS) as FailureCode[];

/** The message explaining a failure code to a patient. */
export function failureMessage(code: FailureCode): MessageKey {
  return Object.hasOwn(WORDS, code) ? WORDS[code] : "failure.generic";
}
