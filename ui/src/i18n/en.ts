// Every string the patient or the staff can see, in English. Same keys as zh-CN.ts.
import type { Messages } from "./zh-CN";

export const en: Messages = {
  "app.title": "Face registration",
  "app.loading": "Starting…",

  "lang.switch": "中文",
  "lang.switchLabel": "切换为中文 (Switch to Chinese)",
  "elder.switch": "Larger text",
  "elder.switchLabel": "Elder mode: larger text and clearer colours",
  "elder.on": "On",
  "elder.off": "Off",

  "demo.banner": "DEMO — no real WeChat, no real personal details",

  "action.cancel": "Cancel, back to start",
  "action.done": "Done",
  "action.retry": "Try again",

  "idle.title": "Register with your face",
  "idle.lead": "No card needed: register under your real name with WeChat face recognition.",
  "idle.step1": "Read and agree",
  "idle.step2": "Look at the WeChat face device",
  "idle.step3": "Confirm on WeChat's screen",
  "idle.start": "Start",
  "idle.alternatives":
    "Prefer not to use your face? That's fine: your ID card, medical insurance card or insurance QR code work just as well, or go to the staff window.",
  "idle.version": "Version {version}",
  "idle.terminal": "Face device: {state}",

  "terminal.unknown": "checking",
  "terminal.starting": "connecting",
  "terminal.connected": "connected",
  "terminal.waitingForDevice": "no device attached",
  "terminal.unauthorized": "device has not authorised this PC (allow USB debugging on the device)",
  "terminal.deviceNotReady": "device not ready",
  "terminal.severalDevices": "several devices attached; set one in the configuration",
  "terminal.noBridge": "the bridge app on the device is not running",
  "terminal.incompatibleBridge": "the bridge app on the device is the wrong version",
  "terminal.adbUnavailable": "adb unavailable",
  "terminal.stopped": "stopped",

  "consent.heading": "Before you use your face, please read this",
  "consent.readHint": "Scroll to read all of it",
  "consent.version": "Notice version {version}",
  "consent.agree": "I agree, use my face",
  "consent.decline": "Use my ID card or insurance card instead",
  "consent.choiceNote": "Either way you will be seen as usual. Choose whichever you prefer.",

  "preparing.title": "Getting the face device ready",
  "preparing.body": "One moment, this usually takes a few seconds.",

  "faceScan.title": "Please look at the WeChat face device",
  "faceScan.body":
    "It is right next to this screen. Follow the prompts on its screen, face the camera and keep your face inside the frame.",
  "faceScan.demoTitle": "Demo: pick a sample patient to stand in for a face",

  "waiting.title": "Please confirm on the WeChat device's screen",
  "waiting.body":
    "WeChat lists what it will share with the hospital (name, ID number, phone number). Please check it, then tap confirm on that screen.",
  "waiting.demoTitle": "Simulated WeChat screen",
  "waiting.demoQuestion": "Share your real-name details with the hospital?",
  "waiting.demoConfirm": "Confirm",
  "waiting.demoCancel": "Don't share",

  "success.title": "You're registered",
  "success.name": "Name",
  "success.credential": "ID number ({kind})",
  "success.patientRef": "Patient number",
  "success.masked": "Part of your details are hidden to protect your privacy.",
  "success.next": "Please take a queue number, or go to the registration window.",

  "welcomeBack.title": "Welcome back",
  "welcomeBack.body": "You are already registered. There is nothing more to do here.",

  "credential.residentId": "Resident ID card",
  "credential.passport": "Passport",
  "credential.homeReturnPermit": "Mainland Travel Permit for Hong Kong and Macao Residents",
  "credential.taiwanCompatriotPermit": "Mainland Travel Permit for Taiwan Residents",
  "credential.other": "Other ID",

  "refusal.declinedConsent.title": "That's fine, no face scan",
  "refusal.cancelledFaceScan.title": "The face scan was cancelled",
  "refusal.cancelledAtWechat.title": "You cancelled on WeChat",
  "refusal.body": "This does not affect your care in any way. You can register with any of these:",
  "refusal.idCard": "Your ID card",
  "refusal.idCardHint": "At the registration window, or a self-service machine with a card reader",
  "refusal.insurance": "Medical insurance card or insurance QR code",
  "refusal.insuranceHint": "The physical card, or the insurance code (医保码) on your phone",
  "refusal.staff": "The staff window",
  "refusal.staffHint": "Our staff will register you",

  "failed.title": "We couldn't finish this",
  "failed.alternatives":
    "You can also use your ID card, medical insurance card or insurance QR code, or go to the staff window.",
  "failed.code": "Code (for staff)",
  "failure.generic": "Something went wrong. Please go to the staff window.",
  "failure.terminal": "The face device isn't responding right now.",
  "failure.faceSdkNotReady": "The face device is still starting up. Please try again in a moment.",
  "failure.faceSdkError": "The face device ran into a problem.",
  "failure.faceAppUpdating": "The face device is updating. Please try again in a few minutes.",
  "failure.faceScanTimeout": "We didn't see a face in time. Please look straight at the face device's camera and try again.",
  "failure.confirmationTimeout": "We didn't get your confirmation on WeChat's screen in time, so we stopped.",
  "failure.notAuthorized": "Face registration isn't switched on for this kiosk yet.",
  "failure.network": "WeChat can't be reached or is busy right now.",
  "failure.kiosk": "Something is wrong between this kiosk and WeChat. Please call a member of staff.",
  "failure.wechatRefused": "WeChat did not share your real-name details, so we stopped.",
  "failure.noRealName":
    "Your WeChat account did not share complete real-name details, so it can't be used to register here. They have been cleared.",
  "failure.identityInvalid": "We couldn't read your details correctly. They have been cleared.",
  "failure.clock": "This kiosk's clock is wrong. Please call a member of staff.",
  "failure.config": "This kiosk's keys or certificates are set up wrongly. Please call a member of staff.",
  "failure.records": "Your details couldn't be passed to the hospital system. They have been cleared.",

  "warning.title": "Are you still there?",
  "warning.body": "Going back to the start in {seconds} s. Nothing from this visit will be kept.",
  "warning.extend": "I'm still here",

  "misconfigured.title": "This kiosk is not set up yet",
  "misconfigured.body": "Please call a member of staff. You can register at the staff window.",
  "misconfigured.problems": "Problems (for staff)",

  "unavailable.title": "This kiosk is not available right now",
  "unavailable.body": "Please go to the staff window, or call a member of staff.",
};
