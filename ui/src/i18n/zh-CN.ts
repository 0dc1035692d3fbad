// Every string the patient or the staff can see, in Simplified Chinese (the default).
// `{name}` marks a value filled in by the screen. The keys here define `Messages`; en.ts must
// have exactly the same ones (the compiler and tests/i18n.test.ts both check).

export const zhCN = {
  "app.title": "刷脸实名建档",
  "app.loading": "正在启动…",

  "lang.switch": "English",
  // Read out after "English" (lang="en"), in the screen's own language: what the button does.
  "lang.switchHint": "（切换为英文）",
  "elder.switch": "长辈模式 · 大字",
  "elder.switchLabel": "{label}：字更大、颜色更清楚，阅读和选择的时间更长",
  "elder.on": "已开启",
  "elder.off": "未开启",

  "demo.banner": "演示模式 / DEMO — 未连接真实微信，不会读取任何真实信息",

  "action.cancel": "取消，返回首页",
  "action.done": "完成",
  "action.retry": "再试一次",

  "idle.title": "刷脸实名建档",
  "idle.lead": "不用带卡，用微信刷脸即可完成实名建档。",
  "idle.step1": "阅读单独同意书，自主选择是否同意",
  "idle.step2": "看向微信刷脸设备",
  "idle.step3": "在刷脸设备的屏幕上确认",
  "idle.start": "开始建档",
  "idle.alternatives": "不想刷脸也没关系：身份证、医保卡或医保码同样可以办理，也可以前往人工窗口。",
  "idle.version": "版本 {version}",
  "idle.terminal": "刷脸设备：{state}",
  "idle.terminalProblem": "刷脸设备：{state}，请联系工作人员",

  "terminal.unknown": "正在检查",
  "terminal.starting": "正在连接",
  "terminal.connected": "已连接",
  "terminal.waitingForDevice": "未检测到设备",
  "terminal.unauthorized": "设备未授权本机",
  "terminal.deviceNotReady": "设备未就绪",
  "terminal.severalDevices": "连接了多台设备",
  "terminal.noBridge": "设备上的桥接应用未运行",
  "terminal.incompatibleBridge": "设备上的桥接应用版本不匹配",
  "terminal.bridgeUnpaired": "设备上的桥接应用未与本机配对",
  "terminal.adbUnavailable": "本机的设备连接工具不可用",
  "terminal.stopped": "已停止",
  "terminal.other": "未就绪",

  "consent.heading": "使用刷脸建档前，请先阅读以下内容",
  "consent.readHint": "内容较长，可上下滑动查看",
  "consent.version": "单独同意书版本 {version}",
  "consent.agree": "我同意，用刷脸办理",
  "consent.decline": "不刷脸，改用身份证或医保卡",
  "consent.choiceNote": "两种方式都可以正常就医，请按您的意愿选择。",

  "preparing.title": "正在准备刷脸设备",
  "preparing.body": "请稍候，通常只需要几秒钟。",

  "faceScan.title": "请看向微信刷脸设备",
  "faceScan.body": "刷脸设备就在屏幕旁边。请按设备屏幕上的提示，正对摄像头，保持面部在框内。",
  "faceScan.demoTitle": "演示：请选择一位虚拟患者，代替真人刷脸",

  "waiting.title": "请在微信刷脸设备的屏幕上确认",
  "waiting.body": "刷脸设备的屏幕上会列出微信将提供给医院的信息：姓名、证件类型和证件号码。请核对后，在该屏幕上点击确认。",
  "waiting.demoTitle": "模拟的微信屏幕",
  "waiting.demoQuestion": "是否同意向医院提供您的实名信息？",
  "waiting.demoConfirm": "确认提供",
  "waiting.demoCancel": "不提供",

  "success.title": "建档成功",
  "success.name": "姓名",
  "success.credential": "证件号码（{kind}）",
  "success.patientRef": "就诊号",
  "success.masked": "为保护您的隐私，部分信息已隐藏。",
  "success.next": "接下来，请前往挂号窗口挂号就诊。",

  "welcomeBack.title": "欢迎回来",
  "welcomeBack.body": "您之前已经完成实名建档，无需重复办理。",
  "welcomeBack.patientRef": "就诊号",
  "welcomeBack.next": "请直接前往挂号窗口挂号就诊。",

  "credential.residentId": "居民身份证",
  "credential.passport": "护照",
  "credential.homeReturnPermit": "港澳居民来往内地通行证",
  "credential.taiwanCompatriotPermit": "台湾居民来往大陆通行证",
  "credential.other": "其他证件",

  "refusal.declinedConsent.title": "好的，不使用刷脸",
  "refusal.cancelledFaceScan.title": "已取消刷脸",
  "refusal.cancelledAtWechat.title": "您已在刷脸设备上取消",
  "refusal.body": "这完全不影响您就医。您可以用以下任一方式办理：",
  "refusal.idCard": "居民身份证",
  "refusal.idCardHint": "在挂号窗口或带读卡器的自助机上使用",
  "refusal.insurance": "医保卡或医保码",
  "refusal.insuranceHint": "实体医保卡，或手机上的医保电子凭证",
  "refusal.staff": "人工窗口",
  "refusal.staffHint": "工作人员会为您办理",

  "failed.title": "暂时无法完成办理",
  "failed.alternatives": "您也可以使用身份证、医保卡或医保码，或前往人工窗口办理。",
  "failed.code": "故障代码（供工作人员查看）",
  "failure.generic": "系统出现问题，请前往人工窗口办理。",
  "failure.terminal": "刷脸设备暂时没有响应。",
  "failure.faceSdkNotReady": "刷脸设备还在启动，请稍后再试。",
  "failure.faceSdkError": "刷脸设备出现故障。",
  "failure.faceAppUpdating": "刷脸设备正在更新，请过几分钟再试。",
  "failure.faceScanTimeout": "未识别到人脸。请正对刷脸设备的摄像头，再试一次。",
  "failure.confirmationTimeout": "未收到您在刷脸设备屏幕上的确认，本次办理已结束。",
  "failure.notAuthorized": "本机暂未开通刷脸实名功能。",
  "failure.network": "微信服务暂时无法连接或较为繁忙。",
  "failure.kiosk": "本机与微信服务的连接出现问题，请联系工作人员。",
  "failure.wechatRefused": "微信未提供您的实名信息，本次办理已结束。",
  "failure.noRealName": "您的微信未提供完整的实名信息，暂时无法用刷脸建档。本次获取的信息已清除。",
  "failure.identityInvalid": "未能正确读取您的信息，本次获取的信息已清除。",
  "failure.clock": "本机时间不准确，请联系工作人员。",
  "failure.config": "本机的密钥或证书设置有误，请联系工作人员。",
  "failure.identityMismatch": "刷脸设备返回的信息与微信核验的结果不一致，本次未办理建档，获取的信息已清除。请联系工作人员。",
  "failure.internal": "本机出现故障，本次获取的信息已清除。",
  "failure.records": "本机无法读写自身的记录，本次获取的信息已清除。",
  "failure.handOver": "医院挂号系统未能及时答复。本机未保留任何信息，本次获取的信息已清除。您可以重试，或改用其他方式办理。",
  "failure.handOverRefused": "医院挂号系统无法在此为您建档。本机未保留任何信息，本次获取的信息已清除。人工窗口可以为您办理。",

  // During a session the countdown ends it; on a result screen it only leaves the page (no
  // "are you still there?": nothing is pending, and a refusal must not be asked again).
  "warning.title": "您还在吗？",
  "warning.body": "{seconds} 秒后本次办理将结束并返回首页，信息不会保留。",
  "warning.extend": "我还在，继续办理",
  "warning.result": "{seconds} 秒后返回首页",
  "warning.stay": "留在此页",

  "misconfigured.title": "本机尚未设置完成",
  "misconfigured.body": "请联系工作人员。您可以前往人工窗口办理建档。",
  "misconfigured.problems": "配置问题（供工作人员查看）",

  "unavailable.title": "本机暂时无法使用",
  "unavailable.body": "请前往人工窗口办理，或联系工作人员。",
} as const;

/** The message keys. */
export type MessageKey = keyof typeof zhCN;

/** A complete dictionary: one non-empty string per key. */
export type Messages = { readonly [K in MessageKey]: string };
