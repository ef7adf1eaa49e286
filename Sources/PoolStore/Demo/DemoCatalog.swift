import PoolDomain

/// The vocabulary demo data is drawn from: an East/South/North China sales organisation selling
/// to companies across industries.
enum DemoCatalog {
    static let departments: [(name: String, parent: String?)] = [
        ("销售中心", nil),
        ("华东销售部", "销售中心"),
        ("上海一组", "华东销售部"),
        ("杭州组", "华东销售部"),
        ("华南销售部", "销售中心"),
        ("深圳组", "华南销售部"),
        ("广州组", "华南销售部"),
        ("华北销售部", "销售中心"),
    ]

    static let admin = (name: "admin", department: "销售中心")
    static let managers = [
        (name: "王磊", department: "华东销售部"),
        (name: "陈静", department: "华南销售部"),
    ]
    static let reps = [
        ("李娜", "上海一组"), ("张伟", "上海一组"),
        ("刘洋", "上海一组"), ("杨帆", "杭州组"),
        ("赵敏", "杭州组"), ("黄磊", "深圳组"),
        ("周杰", "深圳组"), ("吴芳", "广州组"),
        ("徐静", "广州组"), ("孙浩", "华北销售部"),
        ("马丽", "华北销售部"), ("朱军", "华北销售部"),
    ]

    /// Pools with the departments that may claim from them (none: open to all) and their admins.
    static let pools: [(name: String, industries: [String], regions: [String], priority: Int, isDefault: Bool,
                        members: [String], admins: [String], autoAssign: AutoAssignMode)] = [
        ("医疗行业池", ["医疗健康"], [], 20, false, [], ["王磊", "陈静"], .roundRobin),
        ("华东公海", [], ["上海", "江苏", "浙江", "安徽"], 10, false, ["华东销售部"], ["王磊"], .off),
        ("华南公海", [], ["广东", "福建", "广西", "海南"], 10, false, ["华南销售部"], ["陈静"], .off),
        ("华北公海", [], ["北京", "天津", "河北", "山东"], 10, false, ["华北销售部"], [], .off),
        ("默认公海", [], [], 0, true, [], [], .off),
    ]

    /// 30 days without follow-up, 90 without progress, 7 to make a first follow-up, warned 7 days
    /// ahead; A-level customers get 45 days. At most 10 claims a day and a 30-day cooldown.
    static func rules(autoAssign: AutoAssignMode) -> PoolRules {
        PoolRules(
            claim: ClaimRules(maxClaimsPerDay: 10, cooldownDays: 30),
            reclaim: ReclaimRules(
                days: ReclaimDays(noFollowUpDays: 30, noProgressDays: 90, claimedNoFollowUpDays: 7),
                byLevel: ["A": ReclaimDays(noFollowUpDays: 45, noProgressDays: 120)], warningDays: 7),
            maskedFields: [.phone, .email], autoAssign: autoAssign)
    }

    /// Every rep may hold 150 private customers (won ones do not count) and lock 10.
    static let ownerLimit = OwnerLimit(maxPrivate: 150, countWon: false, maxLocked: 10)

    static let industries = ["互联网", "制造业", "医疗健康", "教育", "金融", "零售", "物流", "新能源"]
    static let industryWords = [
        "互联网": ["网络科技", "信息技术", "数字科技"], "制造业": ["机械制造", "精密仪器", "智能装备"],
        "医疗健康": ["医疗器械", "生物科技", "健康管理"], "教育": ["教育科技", "文化传播", "培训"],
        "金融": ["投资管理", "融资租赁", "金融服务"], "零售": ["商贸", "电子商务", "连锁超市"],
        "物流": ["物流", "供应链管理", "速运"], "新能源": ["新能源", "光伏科技", "储能技术"],
    ]
    static let regions = ["上海", "江苏", "浙江", "安徽", "广东", "福建", "北京", "天津", "山东", "四川", "湖北", "河北"]
    static let cities = [
        "上海": "上海", "江苏": "南京", "浙江": "杭州", "安徽": "合肥", "广东": "深圳", "福建": "厦门",
        "北京": "北京", "天津": "天津", "山东": "青岛", "四川": "成都", "湖北": "武汉", "河北": "石家庄",
    ]
    static let brandSyllables = [
        "华", "信", "恒", "通", "瑞", "丰", "嘉", "禾", "中", "科", "远", "航", "天", "宇", "新", "源",
        "博", "雅", "金", "鼎", "明", "达", "盛", "泰", "海", "川", "星", "辰", "东", "方", "正", "和",
    ]
    /// Company forms: most are 有限公司, some groups and joint-stock companies.
    static let companyForms = ["有限公司", "有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"]
    static let levels = ["A", "B", "B", "C", "C", "C"]
    static let sources = ["官网", "展会", "转介绍", "电话营销", "广告投放"]
    static let followUpTexts = [
        "电话沟通需求，客户对报价有兴趣", "邮件发送了产品手册", "上门拜访，见到采购负责人",
        "约了客户信息部做产品演示", "客户预算下季度批复，约定月底再联系", "微信发送了案例资料",
        "讨论合同条款，等待对方法务意见", "客户表示暂无需求", "价格谈判，客户希望再优惠 8%",
        "参加了客户的招标说明会",
    ]
    static let releaseReasons = ["客户暂无需求", "多次联系不上", "客户预算不足"]
}
