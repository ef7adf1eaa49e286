/// Interface language: Simplified Chinese or English, from `?lang=`, the `gh_lang` cookie, or
/// the browser's Accept-Language, in that order.
public enum Language: String, Sendable, CaseIterable {
    case zh, en

    static func choose(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let query, let language = Language(rawValue: query) { return language }
        if let cookie, let language = Language(rawValue: cookie) { return language }
        for part in (acceptLanguage ?? "").lowercased().split(separator: ",") {
            let tag = part.split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("zh") { return .zh }
            if tag.hasPrefix("en") { return .en }
        }
        return .zh
    }

    /// The interface text in this language; English text is the key.
    func t(_ english: String) -> String {
        self == .en ? english : (Strings.chinese[english] ?? english)
    }
}

enum Strings {
    static let chinese: [String: String] = [
        "gonghai console": "公海管理台", "Sign in": "登录", "Sign out": "退出", "Name": "名称", "Password": "密码",
        "Wrong name or password.": "用户名或密码错误。",
        "Too many failed attempts. Try again after": "失败次数过多，请在此时间后重试：",
        "Sign out everywhere": "在所有设备上退出",
        "Choose at least one event.": "请至少选择一个事件。", "up to 100 characters": "最多 100 个字符",
        "0 to 1000; when several pools match a customer, the highest wins": "0 到 1000；多个公海池都匹配某客户时，优先级高的生效",
        "A department includes its sub-departments.": "勾选部门即包含其全部下级部门。",
        "Below: what its rules would reclaim.": "下方是按这些规则将回收的客户预览。",
        "No longer the default pool": "已不再是默认公海池",
        "No reclaim rule is set: customers governed by this pool are never reclaimed.": "未设置任何回收规则：归属此公海池的客户永远不会被回收。",
        "Now the default pool": "当前默认公海池",
        "Only administrators, and for its rules the pool's admins, may change a pool.": "只有管理员可以修改公海池；公海池管理员可以修改其规则。",
        "Same priority and overlapping routing as": "与以下公海池优先级相同且匹配范围重叠：",
        "Takes the customers no other pool matches.": "接收没有其他公海池匹配的客户。",
        "Ticking this moves it here.": "勾选后默认公海池将改为本公海池。",
        "comma separated; customers' regions are provinces, e.g. 广东, 浙江": "用逗号分隔；客户的地区为省份，例如：广东，浙江",
        "comma separated; the values customers have are suggested": "用逗号分隔；输入时会提示客户已有的行业",
        "customers both match go to the pool created first. Give one a higher priority to choose.": "两者都匹配的客户会进入先创建的公海池。请为其中一个设置更高的优先级。",
        "e.g. A; empty: no level rule": "例如 A；留空表示不按级别",
        "days; empty: off": "天；留空表示不启用",
        "per rep per day; empty: no limit": "每人每天；留空表示不限",
        "days before a previous owner may claim again; empty: off": "原负责人再次领取前需等待的天数；留空表示不限",
        "hours in the pool before anyone may claim; empty: off": "进入公海后多少小时内不可领取；留空表示不限",
        "days before a reclaim the owner is warned; at most the reclaim days; 0 or empty: no warning": "回收前提前几天提醒负责人；不超过回收天数；0 或留空表示不提醒",
        "1 to 100 characters": "1 到 100 个字符", "0 to 1000": "0 到 1000",
        "must be between 0 and 3650": "须在 0 到 3650 之间", "a pool with this name exists": "已有同名公海池",
        "a level is 1 to 30 characters": "级别为 1 到 30 个字符", "a level needs at least one number of days": "级别规则至少需要一个天数",
        "a level rule needs its level": "请填写级别名称", "at most 100 values of up to 50 characters": "最多 100 个值，每个不超过 50 个字符",
        "the warning cannot come before the rule starts counting: at most the days of the shortest reclaim rule": "提醒天数不能超过最短的回收天数",
        "name": "名称", "priority": "优先级", "industries": "行业", "regions": "地区", "url": "地址", "label": "标签", "reference": "申请编号",
        "Sales rep": "销售代表", "Manager": "经理", "Administrator": "管理员",
        "Who saw what": "数据访问记录", "Purged": "已清除", "follow-up texts": "条跟进内容", "webhook deliveries": "条 Webhook 投递",
        "No retention period is set.": "未设置保留期限。", "API token": "API 令牌", "Console": "管理台", "Anyone": "任何人",
        "Any": "全部", "Customer ID": "客户编号", "From": "起始日期", "To": "截止日期", "Through": "途径", "Rows": "条数",
        "No records.": "暂无记录。", "Alerts": "告警", "Day": "日期", "Exports and reveals": "导出与查看次数", "No alerts.": "暂无告警。",
        "Retention": "保留期限",
        "Follow-up texts and delivered webhook deliveries are purged after": "跟进内容和已投递的 Webhook 在以下天数后清除：",
        "days": "天", "No retention period is set (--retention-days).": "未设置保留期限（--retention-days）。", "Purge now": "立即清除",
        "Export": "导出", "Reveal": "查看隐藏联系方式", "Contact details read": "读取联系方式", "List paged through": "批量翻页读取",
        "Last used": "最近使用", "Expires": "过期时间", "Never": "永不", "Erase personal data": "删除个人信息",
        "Request reference": "申请编号", "Erase": "删除", "Too many requests": "请求过多",
        "Recorded: CSV exports, reveals of masked contact details, API tokens' reads of unmasked contact details, and API tokens' customer lists beyond the first page or of 100 rows or more.":
            "记录范围：CSV 导出、查看被隐藏的联系方式、API 令牌读取未隐藏的联系方式，以及 API 令牌翻过第一页或一次读取 100 条以上的客户列表。",
        "On the customer's request: the name becomes a tombstone; phone, e-mail, follow-up texts, typed reasons and webhook payloads are cleared. Ownership history is kept with ids only. This cannot be undone.":
            "应客户要求（《个人信息保护法》第四十七条）：名称替换为删除标记，电话、邮箱、跟进内容、填写的原因和 Webhook 内容全部清除，归属历史只保留编号。此操作不可撤销。",
        "The daily export limit for managers is reached; try again tomorrow or ask an administrator": "经理今日导出次数已达上限，请明天再试或联系管理员",
        "Too many sign-in attempts from this address. Try again in": "此地址登录尝试过多，请稍后重试，等待",
        "Sales reps use the app, not the console.": "销售代表请使用应用，不能登录管理台。",
        "Dashboard": "仪表盘", "Pools": "公海池", "Sweep": "回收任务", "People": "人员", "API tokens": "API 令牌",
        "Customers": "客户", "Import": "导入", "Export CSV": "导出 CSV", "Audit log": "审计日志",
        "Pool sizes": "公海池规模", "Inflow and outflow, last 30 days": "近 30 天流入与流出",
        "Claims and reclaims, last 30 days": "近 30 天领取与回收", "Due for reclaim this week": "本周将回收的客户",
        "Last sweep": "最近一次回收", "No sweep has run yet.": "尚未运行回收任务。", "inflow": "流入", "outflow": "流出",
        "claims": "领取", "reclaims": "回收", "Customer": "客户", "Owner": "负责人", "Pool": "公海池", "Rule": "规则",
        "Reclaim on": "回收日期", "Days left": "剩余天数", "Nothing is due this week.": "本周没有将被回收的客户。",
        "New pool": "新建公海池", "Industries": "行业", "Regions": "地区", "Priority": "优先级", "Default pool": "默认公海池",
        "comma separated": "以逗号分隔", "Save": "保存", "Create": "创建", "Members": "成员", "Pool admins": "公海池管理员",
        "Departments": "部门", "Users": "用户", "Roles": "角色", "Masked fields": "脱敏字段", "Phone": "电话", "E-mail": "邮箱",
        "Claim rules": "领取规则", "Claims per day": "每日领取上限", "Cooldown days": "冷却天数",
        "Cooldown binds the department": "冷却期适用于整个部门", "Embargo hours": "入池保护小时数",
        "Reclaim rules": "回收规则", "Days without follow-up": "未跟进天数", "Days without progress": "无进展天数",
        "Days to first follow-up": "首次跟进期限天数", "Warning days": "提前提醒天数", "Exempt locked": "锁定客户豁免",
        "Exempt won": "已成交客户豁免", "Days by level": "按客户等级设置天数", "Level": "等级",
        "Auto-assignment": "自动分配", "Off": "关闭", "Round robin": "轮询", "Weighted by capacity": "按容量加权",
        "Preview": "预览", "Save as new version": "保存为新版本", "Rules version": "规则版本",
        "Preview of these rules": "规则预览", "Reclaimed today": "今天回收", "Within 7 days": "7 天内", "Within 30 days": "30 天内",
        "Evaluated": "评估客户数", "Per owner": "按负责人", "The rules are not saved yet.": "规则尚未保存。",
        "Saved.": "已保存。", "Rules saved as version": "规则已保存为版本", "Pool created.": "公海池已创建。",
        "Run now": "立即运行", "Dry run as of": "试运行，截至日期", "Run history": "运行记录", "As of": "截至",
        "Status": "状态", "Reclaimed": "回收", "Skipped": "跳过", "Failed": "失败", "Warned": "提醒",
        "Previous owner": "前负责人", "Reason": "原因", "Dry run: nothing was changed.": "试运行：未做任何更改。",
        "Department tree": "部门架构", "New department": "新建部门", "Parent": "上级部门", "New user": "新建用户",
        "Role": "角色", "Department": "部门", "Active": "在职", "On leave": "休假", "Deactivate": "停用", "Activate": "启用",
        "Set on leave": "设为休假", "Back from leave": "结束休假", "Set password": "设置密码", "User saved.": "用户已保存。",
        "Label": "标签", "User": "用户", "Created": "创建时间", "Revoked": "已撤销", "Revoke": "撤销", "New token": "新建令牌",
        "Copy this token now; it is not shown again:": "请立即复制此令牌，它不会再次显示：", "Token revoked.": "令牌已撤销。",
        "Search": "搜索", "All": "全部", "In pools": "公海中", "Owned": "私有", "Industry": "行业", "Region": "地区",
        "Filter": "筛选", "Next page": "下一页", "First page": "第一页", "customers match": "位客户符合条件",
        "Follow-ups": "跟进记录", "Ownership history": "归属历史", "Reclaim forecast": "回收预测",
        "Assign to": "分配给", "Transfer to": "转移给", "Release to pool": "放入公海", "Lock": "锁定", "Unlock": "解锁",
        "Locked": "已锁定", "Done.": "完成。", "Exempt": "豁免", "Counting from": "起算时间", "Reset by": "重置方式",
        "add a follow-up": "添加跟进", "change the status": "更新状态", "Upload CSV": "上传 CSV",
        "Columns: name, phone, email, industry, region, level, source, status.": "列：name, phone, email, industry, region, level, source, status。",
        "Check (dry run)": "检查（试运行）", "Import into": "导入到", "New": "新客户", "Duplicates": "重复", "Invalid rows": "无效行",
        "Line": "行号", "Where it is": "所在位置", "Imported": "已导入", "Owner (optional)": "负责人（可选）",
        "When": "时间", "Who": "操作人", "What": "操作", "Before": "变更前", "After": "变更后", "Created by": "创建人",
        "Language": "语言", "Please correct the fields marked below.": "请修正下方标出的字段。", "Forbidden": "无权访问",
        "Only administrators may open this page.": "只有管理员可以打开此页面。", "Not found": "未找到", "Internal error": "内部错误", "Internal error.": "服务器内部错误，已记录。", "Refused": "操作被拒绝",
        "Your session expired or the form is stale. Please try again.": "会话已过期或表单已失效，请重试。",
        "System": "系统", "Last follow-up": "最近跟进", "Edit pool": "编辑公海池", "Required": "必填",
        "Dry run": "试运行", "Run": "运行", "Open pool: everyone is a member.": "开放公海：所有人都是成员。",
        "none": "无", "Webhooks": "Webhook 推送", "Endpoint URL": "接收地址", "Events": "事件", "Register": "注册",
        "Signing secret, shown once:": "签名密钥（仅显示一次）：", "Dead letters": "死信", "Retry": "重试", "Attempts": "尝试次数",
        "Last error": "最近错误", "Recent deliveries": "最近推送", "Pause": "暂停", "Resume": "恢复", "Kind": "方式", "Text": "内容", "At": "时间", "By": "操作人", "Version": "版本",
    ]
}
