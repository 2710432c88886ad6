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

## 原因（当列入记录使用内置原因时，显示以下文本，而不是运营方填写的英文说明）
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
report-too-large = 邮件大小超过 { $size } 字节。
report-thanks-title = 感谢您的举报
report-thanks = 您的举报已记录，编号为 { $submission }，共包含 { $count } 封被举报的邮件。对于针对同一发件人的多次投诉，我们的滥用处理团队会采取措施。
report-thanks-duplicate = 我们已收到过您对这封邮件的举报，同一举报只记录一次。
report-not-ours = 被举报的邮件似乎并非通过我们的平台发送，因此我们无法对其发件人采取措施。请向该邮件的来源服务商举报。
report-unavailable = 目前无法保存举报。请几分钟后重试。
