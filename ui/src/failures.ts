// `failed.code` -> the plain words a patient reads. The code itself is shown small for staff.
// Codes are matched ignoring case and separators, so `terminalTimeout`, `terminal_timeout` and
// `TERMINAL_TIMEOUT` are one code; anything not listed gets the generic "go to the staff window".
import type { MessageKey } from "./i18n";

const GROUPS: ReadonlyArray<readonly [MessageKey, readonly string[]]> = [
  ["failure.terminal", ["terminal", "terminalUnavailable", "terminalDisconnected", "terminalOffline",
    "terminalError", "terminalBusy", "noDevice", "noTerminal", "noBridge", "bridge", "bridgeError", "sdkError"]],
  ["failure.faceAppUpdating", ["faceAppInstalling", "faceAppUpdating"]],
  ["failure.timeout", ["timeout", "timedOut", "terminalTimeout", "faceTimeout", "sdkTimeout", "wechatTimeout"]],
  ["failure.network", ["network", "networkError", "wechatUnreachable", "wechatUnavailable", "wechatError",
    "wechat", "http", "api", "apiError", "proxy", "upstream", "authinfo", "facemch"]],
  ["failure.notAuthorized", ["facepayNotAuth", "notAuthorized", "notAuthorised", "permission",
    "permissionDenied", "noPermission"]],
  ["failure.noRealName", ["noRealName", "notRealName", "realNameMissing", "notVerified", "unverified"]],
  ["failure.minor", ["minor", "underage"]],
  ["failure.unsupportedCredential", ["unsupportedCredential", "credentialUnsupported"]],
  ["failure.identityInvalid", ["identity", "identityInvalid", "invalidIdentity", "decrypt", "decryptFailed",
    "decryptionFailed", "validation", "invalidData"]],
  ["failure.clock", ["clock", "clockSkew"]],
  ["failure.config", ["config", "configuration", "misconfigured", "keys", "key", "certificate"]],
  ["failure.records", ["records", "storage", "database", "handover", "handOver", "his", "hisUnavailable"]],
  ["failure.consentChanged", ["consentChanged", "consentMismatch", "staleConsent", "consentOutdated"]],
];

const normalise = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "");

const BY_CODE: ReadonlyMap<string, MessageKey> = new Map(
  GROUPS.flatMap(([key, codes]) => codes.map((code) => [normalise(code), key] as const)),
);

/** The message explaining a failure code to a patient. */
export function failureMessage(code: string): MessageKey {
  return BY_CODE.get(normalise(code)) ?? "failure.generic";
}
