# senderdesk portal — 简体中文
# 占位符（如 { $ip }）由门户自动填入。请保留占位符，可根据需要调整其位置。

## 页面布局
site-name = 发件人服务
skip-to-content = 跳转到正文
nav-home = 概览
nav-lookup = 查询 IP 地址
nav-delist = 移除 IP 地址
nav-label = 主导航
lang-label = 语言
date-time = { $year }年{ $month }{ $day }日 { $time }（UTC）
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月
footer-about = 本页面面向所有向我们的用户发送邮件的发件人。使用这些服务无需在我们这里注册账户。
footer-api = JSON API

## 概览
home-title = 发件人服务
home-intro = 如果您发送给我们用户的邮件被拒收，请从这里开始。以下所有服务均为自助服务，完全免费，且无需在我们这里注册账户。
home-lookup-title = 查询 IP 地址
home-lookup-body = 立即查看某个 IP 地址是否在我们的阻止发件人列表中、列入原因和列入时间，以及您能否自行移除。
home-delist-title = 自助移除门户
home-delist-body = 自行将您的 IP 地址从我们的阻止发件人列表中移除。我们会通过电子邮件进行确认，移除操作将在数秒内生效，而不是数小时。
home-support-title = 支持
home-support-body = 我们不直接受理发件人提交的工单。如果自助服务无法解决您的问题，请联系收件人邮箱的管理员，请其代您向我们提交工单，并向其提供完整的退信内容。
home-open = 打开
home-bounce-title = 请先阅读退信
home-bounce-body = 我们发出的拒收通知会说明问题所在及下一步操作。如果退信中包含 5.7.606 至 5.7.611 之间的代码以及“banned sending IP”字样，则表示发送邮件的 IP 地址已被列入我们的阻止发件人列表：请先在此处查询，然后申请移除。

## 查询
lookup-title = 查询 IP 地址
lookup-intro = 请输入发送被拒邮件的 IP 地址。我们的退信会在“banned sending IP”之后的方括号中注明该地址。
lookup-ip-label = IP 地址
lookup-ip-hint = IPv4（如 192.0.2.1）或 IPv6（如 2001:db8::1）
lookup-submit = 查询
lookup-not-listed = { $ip } 不在我们的阻止发件人列表中。
lookup-not-listed-next = 如果我们的服务器仍拒收您的邮件，则另有原因。请阅读完整的退信内容，其中说明了具体问题。
lookup-listed = { $ip } 已被列入我们的阻止发件人列表。
lookup-range = 列入的地址段
lookup-reason = 原因
lookup-note = 我们对此条目的说明
untranslated-english = （此段文字仅有英文版本。）
lookup-code = 退信中的代码
lookup-since = 列入时间
lookup-expires = 到期时间
lookup-expires-never = 不会自动到期，在被移除之前将一直保留
lookup-removable = 移除方式
lookup-removable-yes = 您可以通过自助移除门户自行移除。
lookup-removable-no = 您无法自行移除。请联系收件人邮箱的管理员，请其代您向我们提交工单。
lookup-removable-range = 该地址是作为一个更大地址段的一部分被列入的，只有我们的支持团队才能移除。请联系收件人邮箱的管理员，请其代您向我们提交工单。
lookup-delist = 申请移除
bad-ip = “{ $value }”不是有效的 IP 地址。请输入 IPv4 地址（如 192.0.2.1）或 IPv6 地址（如 2001:db8::1）。

## 原因（内置原因的文本；若配置为某个原因提供了自己的文本，则显示该文本；条目自身的说明显示在原因旁边，而不是取代原因）
reason-manual = 由于该 IP 地址存在滥用行为，已被我们的邮件管理员列入。
reason-complaints = 我们的用户将来自该 IP 地址的邮件举报为垃圾邮件。
reason-spamtrap = 来自该 IP 地址的邮件发送到了垃圾邮件陷阱地址，而这些地址从未申请接收任何邮件。
reason-compromised = 该 IP 地址存在主机被入侵、被用作僵尸网络节点或开放代理的迹象。
reason-policy = 该 IP 地址属于不应直接发送邮件的地址段，例如终端用户地址段或动态地址段。
reason-hard = 因严重或多次滥用行为被列入，无法通过自助移除门户移除。

## 移除申请表单
delist-title = 移除 IP 地址
delist-intro = 我们会向您的电子邮件地址发送确认链接。请在 { $minutes } 分钟内打开该链接并确认，该 IP 地址将立即从我们的阻止发件人列表中移除。
delist-email-label = 您的电子邮件地址
delist-email-hint = 我们只会向此地址发送确认链接，不会发送其他任何内容。
delist-ip-label = 要移除的 IP 地址
delist-honeypot-label = 请勿填写此字段
delist-submit = 发送确认链接
delist-pow-working = 发送前正在检查您的浏览器……
delist-pow-note = 发送前，您的浏览器会进行一次简短的计算（不到一秒），以防止自动程序大量提交此表单。即使未启用 JavaScript，此表单也可正常使用。
delist-terms = 在 { $days } 天内，同一 IP 地址最多可自助移除 { $max } 次。超过此次数后，或者对于标记为不可自助移除的列入记录，只有我们的支持团队才能移除。

## 移除：链接已发送
sent-title = 请查收邮件
sent-body = 如果 { $ip } 可以移除，确认链接正在发送至 { $email }。该链接仅可使用一次，有效期为 { $minutes } 分钟。
sent-reference = 您的申请编号为 { $reference }。请妥善保存：状态页面会显示您的申请进度，包括我们的邮件是否已成功送达。
sent-status = 查看申请状态
sent-retrying = 我们的邮件服务器尚未接受该邮件。在链接过期之前，我们会持续重试；邮件发出后，状态页面上会显示。
sent-no-mail = 没有收到邮件？请查看您的垃圾邮件文件夹，并检查邮件地址拼写是否正确。您可以随时申请新的链接。

## 移除：拒绝与限制
refused-title = 无法自助移除
refused-not-listed = { $ip } 不在我们的阻止发件人列表中，因此无需移除。如果我们的服务器仍拒收您的邮件，请阅读完整的退信内容，其中说明了具体问题。
refused-not-self-removable = { $ip } 的列入原因不支持通过自助移除门户移除。
refused-range = { $ip } 是作为一个更大地址段的一部分被列入的。地址段只能由我们的支持团队移除。
refused-too-many = { $ip } 在过去 { $days } 天内已通过自助移除门户移除了 { $max } 次，且每次移除后都被再次列入，这说明导致列入的问题尚未解决。
refused-escalate = 您可以采取的措施：请先解决根本原因，然后联系收件人邮箱的管理员，请其代您向我们提交工单，并向其提供该 IP 地址、完整的退信内容以及您所做的更改。
limit-title = 请求过多
limit-email = 最近针对此电子邮件地址的移除申请过多。请等待一天；如果您已收到的链接仍然有效，请直接使用该链接。
limit-client = 最近来自您所在网络的移除申请过多。请明天再试。
limit-listed-ip = 最近针对 { $ip } 的移除申请过多。请使用已发送的链接，或明天再试。
limit-flood = 短时间内请求过多。请等待一分钟后重试。
limit-mails = 此表单目前发送的确认邮件数量异常，因此暂停一段时间，以防有人借此向邮箱大量发信。您的地址未被使用。请一小时后重试。
bad-email = “{ $value }”不是我们可以发送邮件的电子邮件地址。请输入普通格式的地址，例如 postmaster@example.net。
bad-proof = 浏览器检查失败或已过期。请重新加载页面，然后重新提交表单。
form-problem = 请更正以下问题：

## 移除：确认页面
confirm-title = 确认移除 { $ip }
confirm-status = 当前状态
confirm-listed = { $ip } 已被列入我们的阻止发件人列表。
confirm-responsibility-title = 您的责任
confirm-responsibility = 移除此 IP 地址即表示您确认已解决导致其被列入的问题，并将确保今后从此 IP 地址发出的邮件不含滥用或恶意内容。否则，该地址将被再次列入，并且您可能无法再使用自助移除服务。
confirm-button = 移除此 IP
confirm-expired = 此链接已过期。链接的有效期为 { $minutes } 分钟。请申请新的链接。
confirm-used = 此链接已被使用。每个链接仅可使用一次。
confirm-unknown = 此链接无效。请检查您是否从邮件中复制了完整的链接，或申请新的链接。
confirm-new-link = 申请新的链接

## 移除：已完成
done-title = { $ip } 已移除
done-body = { $ip } 已于 { $time } 从我们的阻止发件人列表中移除。我们的邮件服务器已在数秒内停止拒收来自该地址的邮件，我们的 DNS 列表也已不再列出该地址。
done-reference = 您的申请编号为 { $reference }。我们正在向 { $email } 发送确认邮件。
done-caches = 其他服务商的服务器可能会将我们的 DNS 查询结果缓存最多 { $minutes } 分钟。
done-advice = 避免再次被列入：只发送收件人主动要求接收的邮件，删除会产生退信的地址，并让收件人能够轻松退订。

## 状态页面
status-title = 移除申请 { $reference }
status-ip = IP 地址
status-state = 状态
status-created = 申请时间
status-completed = 完成时间
status-mail = 确认邮件
state-pending = 等待通过邮件中的链接进行确认
state-expired = 已过期：未在有效期内使用链接
state-delisted = 已从列表中移除
state-refused = 已拒绝
mail-queued = 正在发送
mail-sent = 我们的邮件服务器已接受该邮件并进行投递
mail-outbox = 已写入运营方的发件箱（此部署未配置邮件中继）
mail-retrying = 尚未送达，我们正在持续重试
mail-failed = 无法送达，请申请新的链接
status-unknown = 不存在编号为 { $reference } 的申请。申请编号的格式类似 DL-7KQ2-M9XD。

## 错误
error-title = 出现错误
error-not-found = 找不到此地址对应的页面。
error-internal = 由于我们这边出现问题，无法完成此请求。未进行任何更改。请几分钟后重试。
error-forbidden = 此表单是从其他网站提交的，因此我们未予接受。请在我们的网站上打开表单并重新提交。
error-too-large = 请求过大。
error-too-large-limit = 此页面最多接受 { $size }。请发送更短的文本或更小的文件。
error-timeout = 此请求处理时间过长，已被中止，可能未能完成。请几分钟后重试。
error-unreadable = 我们无法读取此请求。请返回表单，检查您填写的内容后重新提交。
error-cross-site-api = 不接受来自其他网站页面的请求。请从您自己的服务器调用此 API，而不是从其他网站的浏览器页面中调用。
error-unavailable = 目前无法读取列表。请几分钟后重试。
api-ip-required = 请用 ?ip= 提供 IP 地址，并可选用 &domain= 提供域名。
api-no-code = 文本中没有增强状态码（例如 5.7.606）。请用 ?text= 传入完整的退信内容。
api-token-required = 需要有效的 Bearer 令牌。
api-report-empty = 请求正文必须是被举报的邮件（message/rfc822）。
home-link = 返回概览

## 邮件：确认链接
mail-verify-subject = 确认将 { $ip } 从我们的阻止发件人列表中移除
mail-verify-greeting = 您好：
mail-verify-body = 有人（可能是您本人）申请将 { $ip } 从我们的阻止发件人列表中移除。如需确认，请在 { $minutes } 分钟内打开以下链接：
mail-verify-ignore = 如果这不是您本人的申请，请忽略此邮件：未经该链接确认，不会进行任何更改。
mail-verify-reference = 申请编号：{ $reference }
mail-signature = 发件人服务

## 邮件：已确认移除
mail-done-subject = { $ip } 已从我们的阻止发件人列表中移除
mail-done-body = { $ip } 已于 { $time } 通过自助移除门户从我们的阻止发件人列表中移除。
mail-done-status = 您可以随时查看状态：{ $url }

## 举报垃圾邮件
nav-report = 举报垃圾邮件
home-report-title = 举报垃圾邮件
home-report-body = 收到了通过我们平台发送的垃圾邮件？请连同完整的邮件头一起举报：我们的滥用处理团队会据此追查到发件人，并阻止屡次违规者继续发送。
report-title = 举报通过我们平台发送的垃圾邮件
report-intro = 请粘贴包含全部邮件头的垃圾邮件，或将其作为 .eml 文件上传。没有邮件头，我们就无法判断发件人是谁。邮件服务商和反馈环路（feedback loop）也可以将举报以附件或 ARF 格式发送至 { $address }。
report-howto = 如何获取完整邮件：在 Outlook 中，打开邮件并选择“文件 → 另存为”，或将其作为附件转发；在 Gmail 中，选择“显示原始邮件”；在 Thunderbird 中，选择“查看 → 消息源代码”。
report-message-label = 邮件内容（包含全部邮件头）
report-file-label = 或上传邮件文件（.eml）
report-email-label = 您的电子邮件地址（可选）
report-email-hint = 仅在必要时用于就本次举报向您询问。
report-submit = 提交举报
report-empty = 请粘贴邮件内容或选择文件。
report-not-mail = 这看起来不是包含邮件头的邮件：{ $why }。请粘贴完整的邮件，从第一行邮件头（例如 Received: 或 Return-Path:）开始。
report-not-mail-no-header-block = 无法读取任何邮件头
report-not-mail-empty-first-line = 第一行是空行，而不是邮件头
report-not-mail-first-line-not-header = 第一行不是邮件头字段
report-not-mail-other = 无法将其作为邮件读取
report-too-large = 邮件大小超过 { $size } 字节。
report-thanks-title = 感谢您的举报
report-thanks = 您的举报已记录，编号为 { $submission }，共包含 { $count } 封被举报的邮件。
report-reviewed = 通过此表单提交的举报会先由我们滥用处理团队的工作人员审阅，再决定是否采取措施：任何人都可以填写表单，因此我们不会仅凭表单内容封禁任何发件人。
report-thanks-duplicate = 我们已收到过您对这封邮件的举报，同一举报只记录一次。
report-not-ours = 被举报的邮件似乎并非通过我们的平台发送，因此我们无法对其发件人采取措施。请向该邮件的来源服务商举报。
report-unavailable = 目前无法保存举报。请几分钟后重试。

## 自助服务：导航和概览
nav-ndr = 解读退信
nav-diagnose = 检查配置
nav-help = 帮助
nav-support = 支持
home-ndr-title = 解读退信
home-ndr-body = 粘贴您收到的拒收通知。我们会从中找出代码和 IP 地址，并告诉您每个代码的含义、应由谁处理以及下一步该怎么做。
home-ndr-open = 解读我的退信
home-diagnose-title = 检查您的配置
home-diagnose-body = 以收件服务器的视角检查发送 IP 地址和域名：我们的阻止发件人列表、反向解析（PTR）、SPF、DMARC 和 MX，每项检查均附有建议。
home-help-title = 发件人帮助
home-help-body = 我们对发件人的要求、我们的过滤和身份验证机制、分步指南以及常见问题解答。

## 退信解读
ndr-title = 解读退信
ndr-intro = 请粘贴您收到的退信（未送达报告），或仅粘贴包含服务器回复的那一行。我们会读取其中的状态码和 IP 地址，并加以解释。
ndr-text-label = 退信内容或 SMTP 回复
ndr-text-hint = 例如：550 5.7.606 Access denied, banned sending IP [192.0.2.7]。也可以粘贴完整的邮件，但只会读取前 64 KiB。
ndr-submit = 解读
ndr-no-code = 我们在这段文字中没有找到 5.7.606 或 4.7.500 之类的状态码。请粘贴完整的退信，包括含有服务器回复的那一行；这一行通常以 550 之类的三位数字开头。
ndr-ip-not-listed = { $ip } 不在我们的阻止发件人列表中。
ndr-ip-not-listed-next = 如果这封退信来自其他服务商，请按照其中的说明操作：我们的自助移除门户只能将地址从我们自己的列表中移除。
ndr-ours = 在我们的阻止发件人列表中，此代码的含义是：{ $reason }
ndr-whose-move = 由谁处理：
ndr-steps = 处理方法
ndr-owner-sender = 发件人（发送该邮件的人）。
ndr-owner-sender-admin = 发送方邮件系统的管理员。
ndr-owner-recipient-admin = 收件人邮件系统的管理员。
ndr-owner-depends = 取决于代码后面的文字说明。
ndr-link-lookup = 在我们的阻止发件人列表中查询 IP 地址
ndr-link-lookup-ip = 在我们的阻止发件人列表中查询 { $ip }
ndr-link-delist = 申请从我们的阻止发件人列表中移除
ndr-link-delist-ip = 申请移除 { $ip }
ndr-link-diagnose = 检查您的配置
ndr-link-diagnose-ip = 检查 { $ip } 的配置
ndr-link-support = 如何联系我们的支持团队
ndr-link-support-ip = 如何联系我们的支持团队
ndr-link-help = 帮助：{ $title }

## 发件人诊断
diag-title = 检查您的配置
diag-intro = 以收件服务器的视角检查发送 IP 地址，并可选择同时检查您的发件域名。每项检查都会给出“通过”“警告”或“失败”的结果，并说明处理方法。
diag-ip-label = 发送 IP 地址
diag-domain-label = 您的发件域名（可选）
diag-domain-hint = 即发件人地址中 @ 之后的域名，例如 example.com。检查 SPF、DMARC 和 MX 时需要填写。
diag-submit = 检查
diag-results = { $ip } 的检查结果
diag-summary = { $passed } 项通过，{ $warned } 项警告，{ $failed } 项失败。
diag-no-domain = 输入您的发件域名，即可同时检查 SPF、DMARC 和 MX。
diag-bad-domain = “{ $value }”不是有效的域名。请输入 example.com 之类的名称，不要包含 @ 或 http://。
diag-refused-ip-not-global = { $value } 不是互联网全局地址：它属于私有、环回、链路本地、保留或文档专用地址。互联网上的邮件都来自全局地址，因此这里没有可检查的内容。请输入您的服务器用于发信的公网地址。
diag-refused-name-not-public = { $value } 不是公共域名：它是特殊用途或内部名称（例如 .local、.test 或 .internal）。请输入您用于发信的公共域名。
diag-busy = 当前正在进行的诊断过多。请几秒钟后重试。
diag-status-pass = 通过
diag-status-warn = 警告
diag-status-fail = 失败
diag-check-listed = 我们的阻止发件人列表
diag-check-ptr = 反向解析（PTR）
diag-check-fcrdns = 正向确认的反向解析
diag-check-spf = SPF
diag-check-dmarc = DMARC
diag-check-mx = MX 记录
diag-listed-no = { $ip } 不在我们的阻止发件人列表中。
diag-listed-yes = { $ip } 已被列入我们的阻止发件人列表（{ $code }）：{ $reason }解决根本原因后，您可以申请将其移除。
diag-listed-support = { $ip } 已被列入我们的阻止发件人列表（{ $code }）：{ $reason }该地址无法通过自助服务移除；请参阅支持页面。
diag-ptr-found = 该 IP 地址有 PTR 记录：{ $name }。
diag-ptr-generic = PTR 名称 { $name } 看起来像是分配给家庭宽带或动态连接的名称。请联系该 IP 地址的所有者，将其设置为您的邮件服务器的名称，例如 mail.example.com。
diag-ptr-missing = { $ip } 没有 PTR 记录。许多收件方会拒收来自没有反向解析的地址的邮件。请联系该 IP 地址的运营方（您的托管服务商或网络服务商）设置 PTR 记录。
diag-fcrdns-pass = { $name } 可以解析回 { $ip }：反向解析已通过正向确认。
diag-fcrdns-fail = PTR 名称（{ $name }）中没有一个能解析回 { $ip }。请为该名称添加一条指向该 IP 地址的 A 或 AAAA 记录。
diag-fcrdns-no-ptr = 没有 PTR 记录，无法进行确认。
diag-spf-pass = { $domain } 的 SPF 记录已授权 { $ip }。
diag-spf-fail = { $domain } 的 SPF 记录未授权 { $ip }，并要求收件方拒收此类邮件。请将该 IP 地址或您所用发送服务的 include 添加到记录中。
diag-spf-softfail = { $domain } 的 SPF 记录未授权 { $ip }（~all，软失败）。收件方会将此类邮件视为可疑邮件；请将该 IP 地址添加到记录中。
diag-spf-neutral = { $domain } 的 SPF 记录未对 { $ip } 作出任何声明（?all）。请将该 IP 地址添加到记录中，并以 -all 或 ~all 结尾。
diag-spf-none = { $domain } 没有 SPF 记录。请发布一条列出所有代表该域名发送邮件的服务器的记录，例如“v=spf1 ip4:{ $ip } -all”。
diag-spf-permerror = { $domain } 的 SPF 记录有误（存在语法错误、有多条记录，或 DNS 查询超过 10 次），因此收件方会将其视为错误。请修正该记录。
diag-dmarc-enforced = { $domain } 发布的 DMARC 策略为 p={ $policy }。
diag-dmarc-none = { $domain } 发布的 DMARC 策略为 p=none：收件方只发送报告，不执行任何处理。当报告显示您的所有邮件都能通过验证后，请改为 quarantine 或 reject。
diag-dmarc-missing = { $domain } 没有 DMARC 记录。请在 _dmarc.{ $domain } 发布一条记录，可以先从“v=DMARC1; p=none”开始，并添加用于接收报告的 rua= 地址。
diag-dmarc-invalid = { $domain } 的 DMARC 记录无效（{ $problem }）。收件方会忽略该记录；请予以修正。
diag-mx-found = { $domain } 的收信主机：{ $hosts }。
diag-mx-missing = { $domain } 没有 MX 记录。您邮件的退信和回复可能无法送达您，而且部分收件方会拒收来自无法收信的域名的邮件。请发布 MX 记录。
diag-mx-null = { $domain } 发布了空 MX 记录（表示不接收任何邮件）。收件方会拒收来自此类域名的邮件，因为回复永远无法送达。请使用可以收信的域名发送邮件。
diag-dns-error = DNS 查询失败，因此无法完成此项检查：{ $error }。请稍后重试；如果一直失败，可能是该域名的域名服务器无法访问。
diag-problem-several-records = 存在多条 DMARC 记录
diag-problem-unknown-policy = 未知的策略 p={ $policy }
diag-problem-no-policy = 缺少 p= 标签
diag-error-timeout = 未能及时收到应答
diag-error-failed = 域名服务器未给出可用的应答
diag-error-spf-timeout = SPF 评估未能及时完成
diag-error-spf-temperror = SPF 评估过程中的一次 DNS 查询失败
diag-api-title-refused = 不对此地址或域名进行诊断
diag-api-title-busy = 正在进行的诊断过多

## 帮助页面和支持
help-title = 发件人帮助
help-intro = 我们对发件人的政策和要求、我们的过滤和身份验证机制，以及最常见问题的解决指南。
help-tools-title = 自助服务工具
help-breadcrumb = 当前位置
help-more = 更多帮助
help-not-translated = 此页面尚未提供您所用语言的版本，目前以原文语言显示。
support-title = 支持
support-intro = 大多数问题通过自助服务解决最快：即时生效，全天候可用。如果自助服务无法解决您的问题，您也可以通过以下途径联系我们。
support-selfhelp-title = 从这里开始
support-escalate-title = 自助服务无法解决时
support-escalate-body = 我们不直接受理发件人提交的工单，因为我们无法通过网页表单核实 IP 地址或域名的所有者。而我们的客户可以做到，并能为申请作担保：请联系您需要发信的收件人的管理员，请其代您向我们提交工单。之后，我们的支持团队可能会直接联系您或该 IP 地址空间的所有者。
support-step-fix = 先解决根本原因，并记下您所做的更改。
support-step-ask = 通过电话或其他邮件地址联系收件人邮件系统的管理员，请其代您向我们的支持团队提交工单。
support-step-we = 我们会审核该情况，并答复提交工单的管理员；必要时，我们会联系该 IP 地址空间的所有者。
support-include-title = 工单中应包含的内容
support-include-bounce = 完整的退信内容，包括含有状态码（例如 550 5.7.606）的那一行。
support-include-ips = 发送邮件的 IP 地址。
support-include-domains = 您的发件域名。
support-include-cause = 问题的起因，以及您为解决问题所做的更改，并注明日期。
support-include-contact = 您邮件系统的技术联系人。
support-no-self-tickets = 为什么要这样做：由我们自己的客户提交工单，说明这些邮件是收件人想要的，而这对我们来说是最重要的事实。

# The notice to a tenant's contact when one of its senders is restricted.
mail-restricted-subject = 因收到 { $count } 次投诉，{ $sender } 的发信已受限（工单 #{ $case }）
mail-restricted-body = 我们的滥用处理团队在 { $window } 内收到 { $count } 次投诉，涉及 { $sender }（{ $tenant }）通过我们平台发送的邮件。
mail-restricted-effect = 在滥用处理团队解除限制之前，{ $sender } 的外发邮件将被拒绝，并返回“550 5.1.8 Access denied, bad outbound sender”。{ $tenant } 的其他服务不受影响。
mail-restricted-todo = 请按以下步骤处理：
mail-restricted-step-account = 检查该账户是否已被盗用：修改密码，并排查无法识别的登录记录。
mail-restricted-step-consent = 如果这些邮件是有意发送的，请确认每位收件人都曾主动订阅、退订只需一次点击，并已移除退信地址。
mail-restricted-step-reply = 请回复本邮件，说明您发现的问题和所做的修改，并注明工单 #{ $case }；问题解决后，我们会解除限制。
mail-restricted-case = 工单：#{ $case }

## Accounts: the set-password link and its page
account-role-admin = 管理员
account-role-agent = 专员（支持与滥用处理）
account-role-tenant-admin = 租户管理员
mail-account-set-subject = 您的账户：请设置密码
mail-account-reset-subject = 您的账户：请设置新密码
mail-account-set-body = 已为 { $email } 创建账户，角色为{ $role }。请在 { $hours } 小时内打开以下链接设置密码：
mail-account-reset-body = 有人为账户 { $email } 申请了新密码。请在 { $hours } 小时内打开以下链接设置新密码：
mail-account-once = 此链接只能使用一次。如果您没有预期收到此邮件，请忽略：链接未被使用之前，一切都不会改变。
account-password-title = 设置密码
account-password-intro = 账户：{ $email }
account-password-hint = 至少 { $min } 个字符。几个互不相关的词组成的密码既安全又好记。
account-password-label = 新密码
account-password-confirm-label = 再次输入密码
account-password-submit = 设置密码
account-password-mismatch = 两次输入的密码不一致，请在两个输入框中输入相同的密码。
account-password-too-short = 密码只有 { $chars } 个字符，至少需要 { $min } 个。
account-password-too-long = 密码有 { $chars } 个字符，最多允许 { $max } 个。
account-password-done-title = 密码已设置
account-password-done = { $email } 的密码已设置。此链接不能再次使用。
account-link-title = 此链接无法使用
account-link-unknown = 此链接无效。请检查是否完整复制了链接，或向管理员申请新链接。
account-link-used = 此链接已被使用：每个链接只能使用一次。如需设置新密码，请向管理员申请新链接。
account-link-expired = 此链接已过期。请向管理员申请新链接。
account-link-disabled = 此账户已停用。如果您认为有误，请联系管理员。

## 登录和账户页面
footer-staff = 员工与租户登录
error-no-role = 您的账户角色无权访问此页面。如有需要，请联系管理员。
signin-title = 登录
signin-intro = 仅供我们内部人员使用：滥用处理团队、支持团队以及我们租户的管理员。
signin-email = 电子邮件地址
signin-password = 密码
signin-submit = 登录
signin-forgot = 忘记密码？请联系管理员，通过邮件向您发送新链接。
signin-wrong = 电子邮件地址或密码错误。
signin-disabled = 此账户已停用。如果您认为有误，请联系管理员。
signin-wait = 失败次数过多。请在 { $seconds } 秒后重试。
signin-signed-out = 您已退出登录。
signin-code-title = 输入验证码
signin-code-intro = 打开您的身份验证器应用，输入其中为本网站显示的六位数验证码，或输入您的一个恢复码。
signin-code-label = 验证码
signin-code-hint = 六位数字，或恢复码，例如 3f9a-0c21-77de。
signin-code-submit = 继续
signin-code-wrong = 验证码不正确或已被使用。请输入应用当前显示的验证码。
signin-cancel = 取消并退出登录
signout-submit = 退出登录
account-title = 您的账户
account-who = 当前登录账户：{ $email }，角色：{ $role }。
account-tenant = 租户：{ $tenant }。
account-done-password = 您的密码已更改，您的其他会话均已退出登录。
account-done-sessions = 相应的会话已退出登录。
account-done-totp-off = 两步验证已关闭。
account-done-policy = 两步验证规则已保存。
account-totp-demanded = 管理员要求您的角色启用两步验证。请在下方开启后继续。
account-totp-heading = 两步验证
account-totp-on = 两步验证已开启。剩余恢复码：{ $left } 个。
account-totp-off = 两步验证未开启。开启后，登录时还需要输入您手机上身份验证器应用生成的验证码。
account-totp-enable = 开启两步验证
account-totp-disable = 关闭两步验证
account-totp-required = 管理员要求您的角色启用两步验证，因此它将保持开启。
account-totp-required-cannot-disable = 管理员要求您的角色启用两步验证，因此无法关闭。
account-codes-new = 生成新的恢复码
account-current-password = 当前密码
account-current-wrong = 当前密码不正确。
account-password-heading = 密码
account-password-change = 更改密码
account-sessions-heading = 您已登录的位置
account-session-started = 登录时间
account-session-seen = 最近活动
account-session-address = 地址
account-session-browser = 浏览器
account-session-this = 当前浏览器
account-session-end = 退出登录
account-sessions-end-others = 在其他所有位置退出登录
account-sessions-end-all = 在所有位置退出登录
account-policy-heading = 适用于管理员和专员的规则
account-policy-on = 管理员和专员必须使用两步验证。
account-policy-off = 管理员和专员可以仅凭密码登录。
account-policy-turn-on = 要求管理员和专员使用两步验证
account-policy-turn-off = 不再要求两步验证
account-totp-setup-title = 设置两步验证
account-totp-step-scan = 使用身份验证器应用（例如 FreeOTP、Aegis 或 Google Authenticator）扫描此二维码，或在应用中输入下方的密钥。
account-totp-step-type = 输入应用随后显示的六位数验证码，以确认设置有效。
account-totp-qr-label = 供身份验证器应用扫描的二维码
account-totp-secret = 密钥：
account-totp-confirm = 开启
account-totp-code-wrong = 验证码不正确。请检查手机时钟是否准确，然后输入应用当前显示的验证码。
account-back = 返回您的账户
account-codes-title = 您的恢复码
account-totp-now-on = 两步验证已开启。
account-codes-intro = 请将这些恢复码保存在安全的地方，不要与手机放在一起。如果手机丢失，每个恢复码可代替应用中的验证码使用一次。这些恢复码仅在此时显示，之前的恢复码已失效。
account-codes-done = 我已保存

## 管理员：内部人员的账户
users-title = 人员与角色
users-intro = 所有可以在此登录的人员。新添加的人员会收到一封邮件，其中包含用于设置密码的一次性链接；密码被重置的人员也会收到这样的邮件。
users-role = 角色
users-tenant = 租户
users-tenant-hint = 仅适用于租户管理员，租户管理员看不到其他租户的任何内容。
users-state = 状态
users-added = 添加时间
users-state-active = 已启用
users-state-waiting = 等待设置密码
users-state-disabled = 已停用
users-reset = 发送新链接
users-disable = 停用
users-add-heading = 添加人员
users-lang = 邮件语言
users-add = 添加并发送链接
users-done-added = 已添加 { $email }，设置密码的链接正在发送中。
users-done-disabled = { $email } 已停用：该账户及其会话和链接均已失效。
users-done-reset = 设置密码的新链接正在发送至 { $email }。
users-bad-email = 这不是有效的电子邮件地址。
users-bad-role = 请选择一个角色。
users-missing = { $what } 不存在。
users-needs-tenant = 租户管理员需要一个租户：请选择一个。
users-tenant-for-role = 只有租户管理员属于某个租户；此角色请将租户留空。
users-unknown-tenant = 不存在租户 { $tenant }。
users-exists = 已存在账户 { $email }。
users-not-yourself = 您不能在此停用自己的账户，请联系其他管理员。

## 支持工单
tickets-title = 支持工单
tickets-state = 状态
tickets-active = 未解决且未关闭
tickets-reason = 原因
tickets-assignee = 分配给
tickets-anyone = 不限
tickets-me = 我
tickets-nobody = 无人
tickets-older = 提交已超过（天）
tickets-unread = 仅显示有新回复的工单
tickets-search = 搜索
tickets-filter = 显示
tickets-reference = 工单
tickets-sender = 发件人
tickets-opened = 提交时间
tickets-updated = 最后更新
tickets-new-reply = 新回复
tickets-none = 没有符合条件的工单。
tickets-back = 所有工单
ticket-state-new = 新建
ticket-state-open = 处理中
ticket-state-waiting-sender = 等待发件人
ticket-state-waiting-tenant = 等待租户
ticket-state-resolved = 已解决
ticket-state-closed = 已关闭
ticket-new-title = 为发件人提交工单
ticket-new-intro = 适用于以下情况：我们拒收了某个发件人发给您用户的邮件，且该发件人自行采取的措施未能解决问题。请填写发送 IP 地址或发件域名（或两者都填）、发件人的联系方式，以及发件人收到的退信。
ticket-ip = 发送 IP 地址或地址段
ticket-ip-hint = 与退信中的一致，例如 192.0.2.7。
ticket-domain = 发件域名
ticket-contact = 发件人的联系地址
ticket-contact-hint = 通常是对方的 postmaster 或 abuse 地址。我们可能会直接给该地址写信。
ticket-bounce = 退信
ticket-bounce-hint = 请粘贴完整的退信，或至少粘贴包含状态码（例如 550 5.7.611）的那一行。
ticket-description = 发生了什么，以及发件人已尝试过哪些措施
ticket-open = 提交工单
ticket-bad-ip = IP 地址或地址段无效。
ticket-bad-domain = 发件域名不是有效的域名。
ticket-need-sender = 请填写发送 IP 地址或发件域名。
ticket-bad-contact = 发件人的联系地址不是有效的电子邮件地址。
ticket-need-bounce = 请粘贴发件人收到的退信。
ticket-bounce-too-long = 退信内容过长，最多可粘贴 { $max } 个字符。
ticket-need-description = 请说明发生了什么。
ticket-description-too-long = 文本过长，最多 { $max } 个字符。
ticket-need-message = 消息内容为空。
ticket-title = 工单 { $reference }
ticket-summary = { $state } · 租户 { $tenant } · 由 { $opener } 于 { $opened } 提交
ticket-opened = 工单 { $reference } 已提交。我们的支持团队会在此处答复，同时也会通过邮件答复。
ticket-done-reply = 回复已发送。
ticket-done-note = 备注已添加，仅专员可见。
ticket-done-state = 状态已更改。
ticket-done-assign = 工单分配已更改。
ticket-done-act = 已完成，并已记录在工单历史记录和审计日志中。
ticket-sender-heading = 发件人
ticket-thread = 消息
ticket-internal = 内部备注
ticket-by-mail = 通过邮件
ticket-reply = 回复
ticket-then = 回复后工单状态设为
ticket-send = 发送回复
ticket-note = 内部备注（仅专员可见）
ticket-add-note = 添加备注
ticket-closed = 此工单已关闭，不再接受新消息。
ticket-work = 处理工单
ticket-set-state = 更改状态
ticket-assign = 分配
ticket-no-such-agent = 工单只能分配给已启用的专员和管理员。
ticket-actions = 操作
ticket-act-delist = 将 { $ip } 从列表中移除
ticket-act-reason = 将列入原因改为
ticket-act-extend = 延长列入期限（天）
ticket-act-allow = 将 { $ip } 加入允许列表
ticket-act-lift-ban = 解除对发件人地址的封禁
ticket-act-apply = 应用
ticket-act-not-listed = 没有与该 IP 地址或地址段完全相同的列入记录（它可能被更大的地址段覆盖）。
ticket-act-bad-reason = 请选择一个原因。
ticket-act-bad-days = 请输入 1 到 3650 之间的天数。
ticket-act-no-ban = 该发件人地址未被封禁。
ticket-act-release = 解除我方受限发件人的限制（地址）
ticket-act-no-restriction = 我方该发件人没有限制。
ticket-act-unknown = 此操作不适用于此工单。
ticket-no-text = （无正文：回复只有附件，已随邮件保存。）
ticket-ip-not-listed = { $ip } 目前不在我们的列表中。
ticket-ip-not-listed-next = 我们的列表不再拒收来自该地址的邮件；如果仍被退回，退信会说明其他原因。
ticket-history = 历史记录

## 工单：邀请 IP 所有者及工单邮件
ticket-done-invite = 邀请已发出。
ticket-done-revoke = 邀请已撤回，其链接和会话均已失效。
ticket-parties = 参与方
ticket-party-tenant = 租户管理员
ticket-party-owner = IP 所有者
ticket-party-joined = 已加入
ticket-party-until = 有效期至 { $until }
ticket-party-ended = 已撤回或已过期
ticket-party-revoke = 撤回
ticket-invite-address = 邀请 IP 所有者（电子邮件地址）
ticket-invite-days = 有效天数
ticket-invite = 邀请
invite-bad-address = 该地址不是我们可以发送邮件的电子邮件地址。
invite-bad-days = 邀请的有效期为 1 到 90 天。
invite-title = 工单邀请
invite-unknown = 此链接无效。请检查是否完整复制了链接。
invite-used = 此链接已被使用：它只能使用一次。请直接回复我们的邮件，或向我们申请新的邀请。
invite-expired = 此邀请已过期。请回复我们的邮件以申请新的邀请。
invite-revoked = 此邀请已被撤回。
invite-no-session = 请先打开邀请邮件中的链接；此页面只能在打开该链接的浏览器中访问。
owner-intro = 您以 { $address } 的身份、作为发件人 IP 地址的所有者受邀参与此工单。您可以查看工单的公开消息并进行回复。
owner-state = 工单状态：{ $state }。
owner-by-mail = 您也可以直接回复我们发送的任何一封与此工单有关的邮件。
mail-ticket-subject = 工单 { $reference } 有新消息
mail-ticket-reply-hint = 请在此标记线上方撰写回复，或通过下方链接打开工单。
mail-ticket-intro = { $author } 在工单 { $reference } 中写道：
mail-ticket-open = 工单 { $reference }：
mail-invite-subject = 邀请您参与工单 { $reference }
mail-invite-body = 我们的支持团队邀请您以 { $ip } 所有者的身份参与工单 { $reference }，该工单涉及从您的网络发出的邮件。请打开以下链接阅读工单并回复：
mail-invite-once = 此链接只能使用一次，仅在您打开它的浏览器中有效，有效期为 { $days } 天。您也可以直接回复此邮件。

## 发件人需要向收件方管理员提出的请求
ask-admin-title = 请收件方的管理员提交工单
ask-admin-body = 我们不能仅凭您的说明解除此封锁，而且只接受我们自己客户提交的工单：您要发信的邮箱的管理员就是我们的客户。请他们为您提交工单；我们的支持人员会答复他们，也可能直接联系您。
ask-admin-step-who = 找到收件方邮件系统的管理员（其 IT 部门或 postmaster）。
ask-admin-step-send = 把这个链接发给他们：它会为他们打开工单表单，并已填好我们掌握的信息。
ask-admin-include = 请向他们提供您收到的完整退信、您发现的问题、您所做的更改以及联系方式。

## 操作员控制台：概览和审计日志
admin-title = 控制台
admin-tickets = 未结工单：{ $open }；有未读回复的工单：{ $unread }。
admin-audit = 每一项更改：由谁进行、来自何处，以及更改前后的内容。
admin-listings-title = 阻止发件人列表
admin-listings = 有效的列入记录：{ $count }。
admin-cases-title = 滥用案件
admin-cases = 未结的滥用案件：{ $count } 个。
admin-mail-title = 邮件队列
admin-mail = 等待发送的邮件：{ $count }。
audit-title = 审计日志
audit-intro = 列入记录、策略条目、举报、租户、用户、工单和账户设置的每一项更改，按从新到旧排列。可按人员、操作和时间搜索；同样的搜索结果也可下载为 CSV。
audit-actor = 人员
audit-action = 操作
audit-subject = 对象
audit-from = 起始日期
audit-to = 截止日期
audit-when = 时间
audit-address = 地址
audit-before = 更改前
audit-after = 更改后
audit-csv = 将此搜索结果下载为 CSV
audit-older = 更早的记录
audit-none = 没有符合条件的记录。
audit-bad-from = 起始日期不是有效日期（YYYY-MM-DD）。
audit-bad-to = 截止日期不是有效日期（YYYY-MM-DD）。
audit-bad-before = 分页参数不是有效的记录编号。

## 控制台：策略条目
policy-title = 策略条目
policy-intro = Postfix 策略服务在阻止发件人列表之外所做的判定：永不阻止的地址段（允许列表）、以 5.7.511 拒收的发件人地址，以及以 5.1.8 拒收的我方发件人。更改会在一秒内生效，并记录在该条目的历史记录和审计日志中。
policy-kind = 类型
policy-all = 所有类型
policy-kind-allow = 允许列表中的地址段
policy-kind-sender-ban = 已封禁的发件人
policy-kind-restriction = 受限的我方发件人
policy-key = 地址段或地址
policy-key-hint = 允许列表填写地址段或 IP；封禁填写 user@domain 或 @domain；我方发件人填写 user@domain。
policy-reason = 原因（用于封禁）
policy-note = 备注
policy-since = 生效时间
policy-remove = 移除
policy-none = 没有条目。
policy-add-heading = 添加条目
policy-add = 添加
policy-done-added = 条目已添加。
policy-done-removed = 条目已移除。
policy-bad-kind = 请选择一个类型。
policy-bad-key-allow = 这不是有效的 IP 地址或地址段。
policy-bad-key-sender-ban = 封禁需要填写 user@domain 或 @domain。
policy-bad-key-restriction = 限制需要填写我方某个发件人的地址，即 user@domain。
policy-not-there = 该条目不存在。

## 控制台：列入记录
listings-title = 列入记录
listings-intro = 搜索阻止发件人列表：输入 IP 可找到地址段包含该 IP 的所有列入记录；也可以按原因、状态、来源和列入日期进行筛选。
listings-ip = IP 地址
listings-source = 来源
listings-bad-filter = 某个筛选条件的值不在可选范围内，或某个日期不是有效日期（YYYY-MM-DD）。
listings-edit = 更改列入记录
listings-expires-hint = 列入的最后一天；留空表示不设到期日。
listings-self-delist = 发件人可以通过自助移除门户自行移除
listings-save = 保存
listings-delist = 立即从列表中移除
listings-done-edit = 列入记录已更改；DNSBL 和策略服务会在一秒内按更改后的内容作出响应。
listings-done-delist = 该地址段已从阻止发件人列表中移除；DNSBL 和策略服务会在一秒内相应地作出响应。
listings-not-active = 此列入记录已结束，无法再更改。
listings-bad-expiry = 到期时间不是有效日期（YYYY-MM-DD）。
listings-expiry-past = 到期时间必须是将来的日期。
listing-state-active = 有效
listing-state-delisted = 已移除
listing-state-expired = 已过期
listing-source-operator = 操作员
listing-source-import = 导入
listing-source-reports = 滥用举报
listing-source-trap = 垃圾邮件陷阱
