import PoolDomain

/// The vocabulary demo data is drawn from: an East/South/North China sales organisation selling
/// to companies across industries.
enum DemoCatalog {
    static let departments: [(name: String, parent: String?)] = [
        ("销售中心 Sales Center", nil),
        ("华东销售部 East China Sales", "销售中心 Sales Center"),
        ("上海一组 Shanghai Team", "华东销售部 East China Sales"),
        ("杭州组 Hangzhou Team", "华东销售部 East China Sales"),
        ("华南销售部 South China Sales", "销售中心 Sales Center"),
        ("深圳组 Shenzhen Team", "华南销售部 South China Sales"),
        ("广州组 Guangzhou Team", "华南销售部 South China Sales"),
        ("华北销售部 North China Sales", "销售中心 Sales Center"),
    ]

    static let admin = (name: "admin", department: "销售中心 Sales Center")
    static let managers = [
        (name: "王磊", department: "华东销售部 East China Sales"),
        (name: "陈静", department: "华南销售部 South China Sales"),
    ]
    static let reps = [
        ("李娜", "上海一组 Shanghai Team"), ("张伟", "上海一组 Shanghai Team"),
        ("刘洋", "上海一组 Shanghai Team"), ("杨帆", "杭州组 Hangzhou Team"),
        ("赵敏", "杭州组 Hangzhou Team"), ("黄磊", "深圳组 Shenzhen Team"),
        ("周杰", "深圳组 Shenzhen Team"), ("吴芳", "广州组 Guangzhou Team"),
        ("徐静", "广州组 Guangzhou Team"), ("孙浩", "华北销售部 North China Sales"),
        ("马丽", "华北销售部 North China Sales"), ("朱军", "华北销售部 North China Sales"),
    ]

    /// Pools with the departments that may claim from them (none: open to all) and their admins.
    static let pools: [(name: String, industries: [String], regions: [String], priority: Int, isDefault: Bool,
                        members: [String], admins: [String], autoAssign: AutoAssignMode)] = [
        ("医疗行业池 Healthcare", ["医疗健康"], [], 20, false, [], ["王磊", "陈静"], .roundRobin),
        ("华东公海 East China", [], ["上海", "江苏", "浙江", "安徽"], 10, false, ["华东销售部 East China Sales"], ["王磊"], .off),
        ("华南公海 South China", [], ["广东", "福建", "广西", "海南"], 10, false, ["华南销售部 South China Sales"], ["陈静"], .off),
        ("华北公海 North China", [], ["北京", "天津", "河北", "山东"], 10, false, ["华北销售部 North China Sales"], [], .off),
        ("默认公海 General", [], [], 0, true, [], [], .off),
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
    static let englishWords = [
        "互联网": "Digital", "制造业": "Manufacturing", "医疗健康": "Medical", "教育": "Education",
        "金融": "Capital", "零售": "Retail", "物流": "Logistics", "新能源": "Energy",
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
    static let englishBrands = [
        "Northwind", "Bluepeak", "Silverline", "Evergreen", "Brightstar", "Redwood", "Oceanic",
        "Summit", "Horizon", "Keystone", "Pioneer", "Lotus", "Jade", "Harbor", "Crescent", "Aurora",
    ]
    static let englishSuffixes = ["Co., Ltd.", "Ltd.", "Inc.", "Group", "Technologies"]
    static let levels = ["A", "B", "B", "C", "C", "C"]
    static let sources = ["官网 Website", "展会 Trade fair", "转介绍 Referral", "电话营销 Cold call", "广告 Advertising"]
    static let followUpTexts = [
        "电话沟通需求，客户对报价有兴趣", "Sent the product brochure by e-mail", "上门拜访，见到采购负责人",
        "Demo scheduled with their IT team", "客户预算下季度批复，约定月底再联系", "微信发送了案例资料",
        "Discussed contract terms; waiting for legal", "客户表示暂无需求", "Price negotiation, asked for 8% off",
        "参加了客户的招标说明会",
    ]
    static let releaseReasons = ["客户暂无需求 No demand for now", "联系不上 Unreachable", "预算不足 No budget"]
}
