// Every string the patient or the staff can see, in English. Same keys as zh-CN.ts.
import type { Messages } from "./zh-CN";

export const en: Messages = {
  "app.title": "Face registration",
  "app.loading": "Starting…",

  "lang.switch": "中文",
  "lang.switchHint": "(switch to Chinese)",
  "elder.switch": "Larger text",
  "elder.switchLabel": "{label}: bigger type, clearer colours and more time to read and choose",
  "elder.on": "On",
  "elder.off": "Off",

  "demo.banner": "DEMO — no real WeChat, no real personal details",

  "action.cancel": "Cancel, back to start",
  "action.done": "Done",
  "action.retry": "Try again",

  "idle.title": "Register with your face",
  "idle.lead": "No card needed: register under your real name with WeChat face recognition.",
  "idle.step1": "Read the consent form and decide",
  "idle.step2": "Look at the WeChat face device",
  "idle.step3": "Confirm on the face device's screen",
  "idle.start": "Start",
  "idle.alternatives":
    "Prefer not to use your face? That's fine: your ID card, medical insurance card or insurance QR code work just as well, or go to the staff window.",
  "idle.version": "Version {version}",
  "idle.terminal": "Face device: {state}",
  "idle.terminalProblem": "Face device: {state}. Please ask a member of staff.",

  "terminal.unknown": "checking",
  "terminal.starting": "connecting",
  "terminal.connected": "connected",
  "terminal.waitingForDevice": "no device attached",
  "terminal.unauthorized": "has not authorised this kiosk",
  "terminal.deviceNotReady": "device not ready",
  "terminal.severalDevices": "several devices attached",
  "terminal.noBridge": "the bridge app on the device is not running",
  "terminal.incompatibleBridge": "the bridge app on the device is the wrong version",
  "terminal.bridgeUnpaired": "the bridge app on the device is not paired with this kiosk",
  "terminal.adbUnavailable": "this kiosk's device connection tool is unavailable",
  "terminal.stopped": "stopped",
  "terminal.other": "not ready",

  "consent.heading": "Before you use your face, please read this",
  "consent.readHint": "Scroll to read all of it",
  "consent.version": "Consent form version {version}",
  "consent.agree": "I agree, use my face",
  "consent.decline": "Use my ID card or insurance card instead",
  "consent.choiceNote": "Either way you will be seen as usual. Choose whichever you prefer.",

  "preparing.title": "Getting the face device ready",
  "preparing.body": "One moment, this usually takes a few seconds.",

  "faceScan.title": "Please look at the WeChat face device",
  "faceScan.body":
    "It is right next to this screen. Follow the prompts on its screen, face the camera and keep your face inside the frame.",
  "faceScan.demoTitle": "Demo: pick a sample patient to stand in for a face",

  "waiting.title": "Please confirm on the WeChat face device's screen",
  "waiting.body":
    "The face device's screen lists what WeChat will share with the hospital: your name, the type of your ID document and its number. Please check it, then tap confirm on that screen.",
  "waiting.demoTitle": "Simulated WeChat screen",
  "waiting.demoQuestion": "Share your real-name details with the hospital?",
  "waiting.demoConfirm": "Confirm",
  "waiting.demoCancel": "Don't share",

  "success.title": "You're registered",
  "success.name": "Name",
  "success.credential": "ID number ({kind})",
  "success.patientRef": "Patient number",
  "success.masked": "Some of your details are hidden to protect your privacy.",
  "success.next": "Next, please go to the registration window to book your visit.",

  "welcomeBack.title": "Welcome back",
  "welcomeBack.body": "You are already registered. There is nothing more to do here.",
  "welcomeBack.patientRef": "Patient number",
  "welcomeBack.next": "Please go straight to the registration window to book your visit.",

  "credential.residentId": "Resident ID card",
  "credential.passport": "Passport",
  "credential.homeReturnPermit": "Mainland Travel Permit for Hong Kong and Macao Residents",
  "credential.taiwanCompatriotPermit": "Mainland Travel Permit for Taiwan Residents",
  "credential.other": "Other ID",

  "refusal.declinedConsent.title": "That's fine, no face scan",
  "refusal.cancelledFaceScan.title": "The face scan was cancelled",
  "refusal.cancelledAtWechat.title": "You cancelled on the face device",
  "refusal.body": "This does not affect your care in any way. You can register with any of these:",
  "refusal.idCard": "Your ID card",
  "refusal.idCardHint": "At the registration window, or a self-service machine with a card reader",
  "refusal.insurance": "Medical insurance card or insurance QR code",
  "refusal.insuranceHint": "The physical card, or the insurance code (医保码) on your phone",
  "refusal.staff": "The staff window",
  "refusal.staffHint": "Our staff will register you",

  "failed.title": "Your registration could not be completed",
  "failed.alternatives":
    "You can also use your ID card, medical insurance card or insurance QR code, or go to the staff window.",
  "failed.code": "Code (for staff)",
  "failure.generic": "Something went wrong. Please go to the staff window.",
  "failure.terminal": "The face device isn't responding right now.",
  "failure.faceSdkNotReady": "The face device is still starting up. Please try again in a moment.",
  "failure.faceSdkError": "The face device ran into a problem.",
  "failure.faceAppUpdating": "The face device is updating. Please try again in a few minutes.",
  "failure.faceScanTimeout": "We didn't see a face in time. Please look straight at the face device's camera and try again.",
  "failure.confirmationTimeout": "Your confirmation on the face device's screen did not arrive in time, so this registration has ended.",
  "failure.notAuthorized": "Face registration isn't switched on for this kiosk yet.",
  "failure.network": "WeChat can't be reached or is busy right now.",
  "failure.kiosk": "This kiosk cannot connect to WeChat properly. Please ask a member of staff.",
  "failure.wechatRefused": "WeChat did not share your real-name details, so this registration has ended.",
  "failure.noRealName":
    "Your WeChat account did not share complete real-name details, so it can't be used to register here. Anything received has been cleared.",
  "failure.identityInvalid": "Your details could not be read correctly. Anything received has been cleared.",
  "failure.clock": "This kiosk's clock is wrong. Please ask a member of staff.",
  "failure.config": "This kiosk's keys or certificates are set up wrongly. Please ask a member of staff.",
  "failure.identityMismatch":
    "WeChat's answer did not match the face device's, so nothing was registered and anything received has been cleared. Please ask a member of staff.",
  "failure.internal": "Something went wrong on this kiosk. Anything received has been cleared.",
  "failure.records": "This kiosk could not read or write its own records. Anything received has been cleared.",
  "failure.handOver":
    "The hospital's registration system did not answer in time. Nothing was kept: anything received has been cleared. You can try again, or register another way.",
  "failure.handOverRefused":
    "The hospital's registration system could not register you here. Nothing was kept: anything received has been cleared. The staff window can register you.",

  "warning.title": "Are you still there?",
  "warning.body": "In {seconds} seconds this registration ends and the kiosk goes back to the start. Nothing will be kept.",
  "warning.extend": "I'm still here, continue",
  "warning.result": "Back to the start in {seconds} seconds",
  "warning.stay": "Stay on this page",

  "misconfigured.title": "This kiosk is not set up yet",
  "misconfigured.body": "Please ask a member of staff. You can register at the staff window.",
  "misconfigured.problems": "Problems (for staff)",

  "unavailable.title": "This kiosk is not available right now",
  "unavailable.body": "Please go to the staff window, or ask a member of staff.",
};
