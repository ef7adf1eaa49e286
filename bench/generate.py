#!/usr/bin/env python3
"""Benchmark data for gonghai: a sales organisation with N customers, written straight into SQLite.

    bench/generate.py --customers 100000 --out /tmp/bench-100k.sqlite [--seed 7] [--due 0.10] [--gonghai PATH]

The schema comes from gonghai itself (`gonghai migrate` on an empty file); this script only
inserts rows, so the file is a real gonghai database that any later binary can migrate further.
Everything is deterministic for a given --customers and --seed.

What it writes, relative to a fixed "now" of 2026-11-01T00:00:00Z:
- departments as a tree (销售中心 > 4 regional divisions > city teams), the admin "bench-admin",
  4 managers (one per division) and reps: one per 500 customers, at least 20, at most 2,000,
  2% of them on leave;
- 8 pools routed by industry and region (the vocabulary of Sources/PoolStore/Demo/DemoCatalog.swift):
  industry pools for 医疗健康 and 金融 and the default pool are open to everyone (no member entries),
  the regional pools (and 华东制造业池) to their division; claim rules without limits (so a claim
  benchmark measures claims, not refusals), reclaim rules as in the demo (30 days without
  follow-up, 90 without progress, 7 for a first follow-up, A level 45/120, warning 7 days);
- customers: ~40% in the pool they route to, ~60% owned (owners skewed: lognormal weights, 85%
  from the division covering the customer's region); ids in creation order; owner_since,
  last_follow_up_at and last_progress_at mostly within the last 90 days; --due (default 10%) of
  the private customers due for reclaim on 2026-11-01 (in UTC and in Asia/Shanghai alike: every
  timestamp sits at least a day away from a rule's threshold), plus ~3% inside the 7-day warning
  window; customer 1 is private, not due, with 4 follow-ups and 3 ownership events;
- 0-8 follow-ups per customer (68% have 1-3), each by the owner of that time;
- 1-4 ownership events per customer (create, release, reclaim, claim, assign, transfer),
  consistent with the current owner or pool, ids in chronological order; historical reclaims
  belong to completed daily sweep runs (2026-05-05 .. 2026-10-31) with their sweep_items and
  the owner's notification;
- a few collaborators, API tokens (deterministic from the seed) for the admin and up to 200 reps.

Side files:
- FILE.tokens.json: {"admin": TOKEN, "reps": [{"token": TOKEN, "userId": 12}, ...]}
- FILE.ids.json: {"now": ..., "poolCustomers": [5000 pool customer ids, random order],
  "reps": [{"userId": 12, "customerIds": [...]}, ...]} with the reps in the same order as in the
  tokens file; each rep's ids are pool customers in pools that rep may claim from (open pools and
  the pools of their division), disjoint between reps. Ids are integers (GraphQL: "cus_<id>").
"""

import argparse
import base64
import hashlib
import json
import math
import os
import queue
import random
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from operator import itemgetter

NOW = int(datetime(2026, 11, 1, tzinfo=timezone.utc).timestamp() * 1000)
DAY = 86_400_000
HOUR = 3_600_000
SWEEP_RUN_DAYS = 180  # completed daily runs for the 180 days before NOW

# --- vocabulary (Sources/PoolStore/Demo/DemoCatalog.swift, extended) -----------------------------

ROOT = "销售中心 Sales Center"
DIVISIONS = {
    "华东销售部 East China Sales": ["上海一组 Shanghai Team 1", "上海二组 Shanghai Team 2", "杭州组 Hangzhou Team", "南京组 Nanjing Team"],
    "华南销售部 South China Sales": ["深圳组 Shenzhen Team", "广州组 Guangzhou Team", "厦门组 Xiamen Team"],
    "华北销售部 North China Sales": ["北京组 Beijing Team", "天津组 Tianjin Team", "青岛组 Qingdao Team"],
    "华中西部销售部 Central & West Sales": ["成都组 Chengdu Team", "武汉组 Wuhan Team"],
}
DIVISION_LIST = list(DIVISIONS)
MANAGERS = [("王磊", 0), ("陈静", 1), ("赵刚", 2), ("刘芳", 3)]  # (name, division index)
ADMIN = "bench-admin"

INDUSTRIES = ["互联网", "制造业", "医疗健康", "教育", "金融", "零售", "物流", "新能源"]
INDUSTRY_WEIGHTS = [15, 20, 10, 10, 10, 15, 10, 10]
INDUSTRY_WORDS = {
    "互联网": ["网络科技", "信息技术", "数字科技"], "制造业": ["机械制造", "精密仪器", "智能装备"],
    "医疗健康": ["医疗器械", "生物科技", "健康管理"], "教育": ["教育科技", "文化传播", "培训"],
    "金融": ["投资管理", "融资租赁", "金融服务"], "零售": ["商贸", "电子商务", "连锁超市"],
    "物流": ["物流", "供应链管理", "速运"], "新能源": ["新能源", "光伏科技", "储能技术"],
}
ENGLISH_WORDS = {
    "互联网": "Digital", "制造业": "Manufacturing", "医疗健康": "Medical", "教育": "Education",
    "金融": "Capital", "零售": "Retail", "物流": "Logistics", "新能源": "Energy",
}
REGIONS = ["上海", "江苏", "浙江", "安徽", "广东", "福建", "北京", "天津", "山东", "四川", "湖北", "河北"]
REGION_WEIGHTS = [14, 10, 10, 5, 14, 6, 12, 5, 8, 6, 5, 5]
REGION_DIVISION = {"上海": 0, "江苏": 0, "浙江": 0, "安徽": 0, "广东": 1, "福建": 1,
                   "北京": 2, "天津": 2, "山东": 2, "河北": 2, "四川": 3, "湖北": 3}
CITIES = {
    "上海": "上海", "江苏": "南京", "浙江": "杭州", "安徽": "合肥", "广东": "深圳", "福建": "厦门",
    "北京": "北京", "天津": "天津", "山东": "青岛", "四川": "成都", "湖北": "武汉", "河北": "石家庄",
}
CITIES_EN = {
    "上海": "Shanghai", "江苏": "Nanjing", "浙江": "Hangzhou", "安徽": "Hefei", "广东": "Shenzhen", "福建": "Xiamen",
    "北京": "Beijing", "天津": "Tianjin", "山东": "Qingdao", "四川": "Chengdu", "湖北": "Wuhan", "河北": "Shijiazhuang",
}
BRAND_SYLLABLES = list("华信恒通瑞丰嘉禾中科远航天宇新源博雅金鼎明达盛泰海川星辰东方正和")
ENGLISH_BRANDS = ["Northwind", "Bluepeak", "Silverline", "Evergreen", "Brightstar", "Redwood", "Oceanic",
                  "Summit", "Horizon", "Keystone", "Pioneer", "Lotus", "Jade", "Harbor", "Crescent", "Aurora"]
ENGLISH_SUFFIXES = ["Co., Ltd.", "Ltd.", "Inc.", "Group", "Technologies"]
LEVELS = ["A", "B", "B", "C", "C", "C"]
SOURCES = ["官网 Website", "展会 Trade fair", "转介绍 Referral", "电话营销 Cold call", "广告 Advertising"]
FOLLOW_UP_KINDS = ["call", "visit", "message", "note"]
FOLLOW_UP_TEXTS = [
    "电话沟通需求，客户对报价有兴趣", "Sent the product brochure by e-mail", "上门拜访，见到采购负责人",
    "Demo scheduled with their IT team", "客户预算下季度批复，约定月底再联系", "微信发送了案例资料",
    "Discussed contract terms; waiting for legal", "客户表示暂无需求", "Price negotiation, asked for 8% off",
    "参加了客户的招标说明会",
]
RELEASE_REASONS = ["客户暂无需求 No demand for now", "联系不上 Unreachable", "预算不足 No budget"]
TRANSFER_REASON = "工作交接 / handover"
ASSIGN_REASONS = [None, "经理分配 / assigned by manager"]
PRIVATE_STATUSES = ["lead"] * 25 + ["contacted"] * 25 + ["negotiating"] * 20 + ["won"] * 12 + ["lost"] * 10 + ["invalid"] * 8
POOL_STATUSES = ["lead"] * 40 + ["contacted"] * 25 + ["negotiating"] * 5 + ["lost"] * 20 + ["invalid"] * 10
FOLLOW_UP_COUNT = [0] * 6 + [1] * 22 + [2] * 26 + [3] * 20 + [4] * 10 + [5] * 6 + [6] * 4 + [7] * 3 + [8] * 3
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲建飞鑫波宇浩凯健俊帆帅旭宁婷雪琳晶欣颖佳倩慧梅琴云莉兰燕晨阳雨博文斌辉鹏昊然子轩梓涵一诺浩宇欣怡思远")

# Pools: (name, industries, regions, priority, is_default, member division indexes, admin manager indexes)
POOLS = [
    ("医疗行业池 Healthcare", ["医疗健康"], [], 20, False, [], [0, 1]),
    ("金融行业池 Finance", ["金融"], [], 20, False, [], [2]),
    ("华东制造业池 East China Manufacturing", ["制造业"], ["上海", "江苏", "浙江", "安徽"], 10, False, [0], [0]),
    ("华东公海 East China", [], ["上海", "江苏", "浙江", "安徽"], 10, False, [0], [0]),
    ("华南公海 South China", [], ["广东", "福建", "广西", "海南"], 10, False, [1], [1]),
    ("华北公海 North China", [], ["北京", "天津", "河北", "山东"], 10, False, [2], [2]),
    ("默认公海 General", [], [], 0, True, [], [3]),
]

RULES = {
    "autoAssign": "off",
    "claim": {"cooldownIncludesDepartment": False},
    "maskedFields": ["phone", "email"],
    "reclaim": {
        "byLevel": {"A": {"noFollowUpDays": 45, "noProgressDays": 120}},
        "days": {"claimedNoFollowUpDays": 7, "noFollowUpDays": 30, "noProgressDays": 90},
        "exemptLocked": True, "exemptWon": True, "warningDays": 7,
    },
}
RULES_JSON = json.dumps(RULES, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def reclaim_reason(rule, level):
    """Sources/PoolDomain/Rules/ReclaimReason.swift, with the days of RULES."""
    if rule == "no_follow_up":
        d = 45 if level == "A" else 30
        return f"{d} 天未跟进 / not followed up for {d} days"
    if rule == "claimed_no_follow_up":
        return "获得后 7 天内未跟进 / no follow-up within 7 days of taking it"
    d = 120 if level == "A" else 90
    return f"{d} 天无进展 / no progress for {d} days"


# --- duplicate keys (Sources/PoolDomain/DuplicateKeys.swift) -------------------------------------

LEGAL_SUFFIXES = ["股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "分公司", "公司", "集团",
                  "corporation", "incorporated", "company", "limited", "gmbh", "corp", "inc", "llc", "ltd",
                  "plc", "co"]


def normalize_name(raw):
    text = "".join(c for c in raw.lower() if c.isalpha() or c.isnumeric())
    stripped = True
    while stripped:
        stripped = False
        for suffix in LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                stripped = True
    return text


def phone_key(phone):
    digits = "".join(c for c in phone if "0" <= c <= "9")
    if digits.startswith("0086"):
        digits = digits[4:]
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= 5 else None


# --- helpers --------------------------------------------------------------------------------------

def token_for(seed, user_id):
    raw = hashlib.sha256(f"gonghai-bench-token:{seed}:{user_id}".encode()).digest()
    return "gh_" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def sampling_table(items, weights, size, rng):
    """A table to draw from `items` by `weights` with one random() and an index."""
    return rng.choices(items, weights=weights, k=size)


def make_schema(gonghai, path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    if not os.access(gonghai, os.X_OK):
        sys.exit(f"generate.py: {gonghai} is not an executable gonghai binary (pass --gonghai PATH)")
    subprocess.run([gonghai, "migrate", "--database", path], check=True, stdout=subprocess.DEVNULL)


class Generator:
    def __init__(self, n, seed, due=0.10):
        self.n = n
        self.seed = seed
        # About 1 in 10 customers marked due was created too recently for any rule to fire yet.
        self.due_probability = min(1.0, due / 0.9)
        self.rng = random.Random(seed)

    # people and pools ---------------------------------------------------------------------------

    def people(self, db):
        rng = self.rng
        created = NOW - 400 * DAY
        dep_ids = {}
        db.execute("INSERT INTO departments (name, parent_id) VALUES (?, NULL)", (ROOT,))
        dep_ids[ROOT] = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        self.division_dep = []
        self.division_teams = []
        for division, teams in DIVISIONS.items():
            db.execute("INSERT INTO departments (name, parent_id) VALUES (?, ?)", (division, dep_ids[ROOT]))
            did = db.execute("SELECT last_insert_rowid()").fetchone()[0]
            dep_ids[division] = did
            self.division_dep.append(did)
            team_ids = []
            for team in teams:
                db.execute("INSERT INTO departments (name, parent_id) VALUES (?, ?)", (team, did))
                team_ids.append(db.execute("SELECT last_insert_rowid()").fetchone()[0])
            self.division_teams.append(team_ids)

        def add_user(name, role, dep, on_leave=0):
            db.execute(
                "INSERT INTO users (name, role, department_id, active, created_at, on_leave) VALUES (?, ?, ?, 1, ?, ?)",
                (name, role, dep, created, on_leave))
            return db.execute("SELECT last_insert_rowid()").fetchone()[0]

        self.admin_id = add_user(ADMIN, "admin", dep_ids[ROOT])
        self.manager_ids = [add_user(name, "manager", self.division_dep[d]) for name, d in MANAGERS]
        self.division_manager = {d: self.manager_ids[i] for i, (_, d) in enumerate(MANAGERS)}

        rep_count = max(20, min(2000, self.n // 500))
        # Reps per division in proportion to the regions each covers.
        share = [0.0] * len(DIVISIONS)
        for region, weight in zip(REGIONS, REGION_WEIGHTS):
            share[REGION_DIVISION[region]] += weight
        total = sum(share)
        counts = [max(2, round(rep_count * s / total)) for s in share]
        counts[0] += rep_count - sum(counts)
        names = {ADMIN} | {m for m, _ in MANAGERS}
        self.reps = []  # (user_id, division, on_leave)
        self.rep_division = {}
        for division, count in enumerate(counts):
            teams = self.division_teams[division]
            for k in range(count):
                while True:
                    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
                    name = rng.choice(SURNAMES) + given
                    if name not in names:
                        break
                names.add(name)
                on_leave = 1 if rng.random() < 0.02 else 0
                uid = add_user(name, "rep", teams[k % len(teams)], on_leave)
                self.reps.append((uid, division, on_leave))
                self.rep_division[uid] = division
        self.user_names = dict(db.execute("SELECT id, name FROM users"))

        # Owner sampling: lognormal weights (a few reps hold many customers), per division and overall.
        weights = {uid: rng.lognormvariate(0, 0.9) for uid, _, _ in self.reps}
        all_ids = [uid for uid, _, _ in self.reps]
        self.owner_table_all = sampling_table(all_ids, [weights[u] for u in all_ids], 8192, rng)
        self.owner_table = []
        self.creator_table = []
        for division in range(len(DIVISIONS)):
            ids = [uid for uid, d, _ in self.reps if d == division]
            self.owner_table.append(sampling_table(ids, [weights[u] for u in ids], 4096, rng))
            self.creator_table.append(ids)

    def pools(self, db):
        self.pool_rows = []  # (id, name, industries, regions, priority, is_default)
        self.pool_members = {}  # pool id -> set of divisions (empty: open)
        for name, industries, regions, priority, is_default, members, admins in POOLS:
            db.execute(
                "INSERT INTO pools (name, industries, regions, priority, is_default) VALUES (?, ?, ?, ?, ?)",
                (name, json.dumps(industries, ensure_ascii=False, separators=(",", ":")),
                 json.dumps(regions, ensure_ascii=False, separators=(",", ":")), priority, 1 if is_default else 0))
            pid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
            db.execute("INSERT INTO pool_rule_versions (pool_id, version, rules, created_at, created_by) VALUES (?, 1, ?, ?, ?)",
                       (pid, RULES_JSON, NOW - 200 * DAY, self.admin_id))
            db.execute("UPDATE pools SET rule_version_id = last_insert_rowid() WHERE id = ?", (pid,))
            for d in members:
                db.execute("INSERT INTO pool_access VALUES (?, 'department', ?, 'member')", (pid, str(self.division_dep[d])))
            for m in admins:
                db.execute("INSERT INTO pool_access VALUES (?, 'user', ?, 'admin')", (pid, str(self.manager_ids[m])))
            self.pool_rows.append((pid, name, industries, regions, priority, is_default))
            self.pool_members[pid] = set(members)
        self.pool_names = {row[0]: row[1] for row in self.pool_rows}
        # Routing table (Sources/PoolDomain/PoolRouter.swift): highest priority, then specificity, then lowest id.
        self.route = {}
        for industry in INDUSTRIES:
            for region in REGIONS:
                best = None
                for pid, _, inds, regs, prio, default in self.pool_rows:
                    if default or (not inds and not regs):
                        continue
                    if (not inds or industry in inds) and (not regs or region in regs):
                        key = (prio, (1 if inds else 0) + (1 if regs else 0), -pid)
                        if best is None or key > best[0]:
                            best = (key, pid)
                if best:
                    self.route[(industry, region)] = (best[1], "matched")
                else:
                    default_id = next(r[0] for r in self.pool_rows if r[5])
                    self.route[(industry, region)] = (default_id, "default")

    # customers -----------------------------------------------------------------------------------

    def customers(self):
        """Yields customer rows; collects events, follow-ups, sweep items, notifications and collaborators."""
        rng = self.rng
        rand = rng.random
        uniform = rng.uniform
        expo = rng.expovariate
        def pick(seq):
            return seq[int(rand() * len(seq))]

        n = self.n
        events = self.events = []
        follow_ups = self.follow_ups = []
        self.sweep_items = []
        self.notifications = []
        self.collaborators = []
        self.reclaims_per_day = {}
        self.pool_customers = {}  # pool id -> [customer ids]
        self.due_marked = 0
        self.private_count = 0
        route = self.route
        owner_table = self.owner_table
        owner_table_all = self.owner_table_all
        creator_table = self.creator_table
        division_manager = self.division_manager
        rep_division = self.rep_division
        due_probability = self.due_probability
        industry_table = sampling_table(INDUSTRIES, INDUSTRY_WEIGHTS, 4096, rng)
        region_table = sampling_table(REGIONS, REGION_WEIGHTS, 4096, rng)
        first_run_day = NOW - SWEEP_RUN_DAYS * DAY
        names = set()
        fallback = [0]

        # Creation times: over the last year, denser recently; sorted so ids follow creation.
        created = sorted(NOW - int(365 * DAY * rand() ** 1.6) - 600_000 for _ in range(n))

        def pick_owner(division):
            if rand() < 0.85:
                return owner_table[division][int(rand() * 4096)]
            return owner_table_all[int(rand() * 8192)]

        def pick_other(division, not_this):
            ids = creator_table[division]
            for _ in range(4):
                uid = ids[int(rand() * len(ids))]
                if uid != not_this:
                    return uid
            return owner_table_all[0] if owner_table_all[0] != not_this else owner_table_all[1]

        def reclaim_time(t, lo, hi):
            """The sweep of t's day (02:00 UTC and a few seconds), if it falls in (lo, hi) and a recorded run."""
            day = t - t % DAY
            at = day + 2 * HOUR + int(rand() * 60_000)
            if day < first_run_day or day > NOW - DAY or not (lo < at < hi):
                return None
            return at

        def make_name(i, industry, region):
            for attempt in range(3):
                if rand() < 0.08:
                    name = f"{pick(ENGLISH_BRANDS)} {ENGLISH_WORDS[industry]} {CITIES_EN[region]} {pick(ENGLISH_SUFFIXES)}"
                    if attempt == 2:
                        fallback[0] += 1
                        name = f"{pick(ENGLISH_BRANDS)} {ENGLISH_WORDS[industry]} {CITIES_EN[region]} No.{fallback[0]} {pick(ENGLISH_SUFFIXES)}"
                    key = normalize_name(name)
                else:
                    brand = pick(BRAND_SYLLABLES) + pick(BRAND_SYLLABLES) + (pick(BRAND_SYLLABLES) if rand() < 0.6 else "")
                    base = CITIES[region] + brand + pick(INDUSTRY_WORDS[industry])
                    if attempt == 2:
                        fallback[0] += 1
                        name = f"{base}有限公司第{fallback[0]}分公司"
                        key = f"{base}有限公司第{fallback[0]}"
                    else:
                        name = base + "有限公司"
                        key = base
                if key not in names:
                    names.add(key)
                    return name, key
            raise AssertionError("name collision after fallback")

        for i in range(n):
            cid = i + 1
            C = created[i]
            industry = industry_table[int(rand() * 4096)]
            region = region_table[int(rand() * 4096)]
            division = REGION_DIVISION[region]
            pool, routed_by = route[(industry, region)]
            name, name_key = make_name(i, industry, region)
            level = LEVELS[int(rand() * 6)]
            english = name[0].isascii()
            number = (i * 7919 + 12345) % 900_000_000 + 100_000_000
            if rand() < 0.9:
                phone = pkey = f"1{'35789'[int(rand() * 5)]}{number}"  # phone_key(phone) == phone
                if rand() < 0.1:
                    phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
            else:
                phone = pkey = None
            if rand() < 0.7:
                email = (f"{''.join(c for c in name.lower() if c.isalpha())[:12]}.{cid}@example.com" if english
                         else f"contact{cid}@example.cn")
                ekey = email
            else:
                email = ekey = None
            source = SOURCES[int(rand() * 5)]

            ev = []          # this customer's events: (at, kind, from_owner, to_owner, from_pool, to_pool, actor, reason, routed_by, rule, rule_version, run)
            owned = []       # owned periods: [start, end, owner]
            previous_owner = None
            entered_pool = None
            reclaimed = None  # (at, rule, reason, previous owner)
            in_pool = cid != 1 and rand() < 0.40

            if not in_pool:
                self.private_count += 1
                R = pick_owner(division)
                lim_fu = 45 if level == "A" else 30
                lim_np = 120 if level == "A" else 90
                due = None
                if cid != 1 and rand() < due_probability:
                    u = rand()
                    due = "fu" if u < 0.7 else ("claimed" if u < 0.9 else "np")
                    if due == "np" and C > NOW - (lim_np + 4) * DAY:
                        due = "fu"
                    if due == "fu" and C > NOW - (lim_fu + 4) * DAY:
                        due = "claimed"
                    if due == "claimed" and C > NOW - 11 * DAY:
                        due = None
                L = None  # last follow-up
                if due == "fu":
                    L = max(C + HOUR, NOW - int((lim_fu + 2 + min(expo(1 / 8), 60)) * DAY))
                    S = C if rand() < 0.4 else int(uniform(max(C, L - 60 * DAY), L - HOUR))
                    k = max(1, FOLLOW_UP_COUNT[int(rand() * 100)])
                elif due == "claimed":
                    S = max(C, NOW - int(uniform(10, 40) * DAY))
                    if S == C:
                        S = int(uniform(C, NOW - 10 * DAY))
                    k = FOLLOW_UP_COUNT[int(rand() * 100)]
                elif due == "np":
                    S = int(uniform(C, NOW - (lim_np + 3) * DAY))
                    k = max(1, FOLLOW_UP_COUNT[int(rand() * 100)])
                else:
                    if C >= NOW - 90 * DAY:
                        S = C if rand() < 0.5 else int(uniform(C, NOW - HOUR))
                    else:
                        S = C if rand() < 0.2 else NOW - int(uniform(0.05, 89) * DAY)
                    S = max(S, C)
                    k = FOLLOW_UP_COUNT[int(rand() * 100)]
                    if k == 0 and S < NOW - 5 * DAY:
                        k = 1
                if due:
                    self.due_marked += 1
                if cid == 1:
                    S = NOW - 20 * DAY + 9 * HOUR + 1_234_567
                    k = 4

                # History before S.
                if S == C:
                    ev.append((C, "create", None, R, None, None, R, None, None, None, None, None))
                    creator = R
                else:
                    u = 0.0 if cid == 1 else rand()
                    X = pick_other(division, R)
                    if u < 0.40:  # created by X, released (or reclaimed), claimed by R
                        creator = X
                        t1 = int(uniform(C, S))
                        ev.append((C, "create", None, X, None, None, X, None, None, None, None, None))
                        at = reclaim_time(t1, C, S) if cid != 1 and rand() < 0.25 else None
                        if at:
                            rule = "no_follow_up" if rand() < 0.7 else "claimed_no_follow_up"
                            reason = reclaim_reason(rule, level)
                            ev.append((at, "reclaim", X, None, None, pool, None, reason, routed_by, rule, 1, at))
                            reclaimed = (at, rule, reason, X)
                            t1 = at
                        else:
                            ev.append((t1, "release", X, None, None, pool, X, pick(RELEASE_REASONS), routed_by, None, None, None))
                        ev.append((S, "claim", None, R, pool, None, R, None, None, None, None, None))
                        owned.append([C, t1, X])
                        previous_owner = X
                        entered_pool = t1
                    elif u < 0.60:  # imported into the pool, claimed by R
                        creator = self.admin_id
                        ev.append((C, "create", None, None, None, pool, self.admin_id, None, "explicit", None, None, None))
                        ev.append((S, "claim", None, R, pool, None, R, None, None, None, None, None))
                        entered_pool = C
                    elif u < 0.80:  # created by X, transferred to R
                        creator = X
                        ev.append((C, "create", None, X, None, None, X, None, None, None, None, None))
                        ev.append((S, "transfer", X, R, None, None, division_manager[division], TRANSFER_REASON, None, None, None, None))
                        owned.append([C, S, X])
                        previous_owner = X
                    elif u < 0.92:  # created by X, released, assigned to R by the manager
                        creator = X
                        t1 = int(uniform(C, S))
                        ev.append((C, "create", None, X, None, None, X, None, None, None, None, None))
                        ev.append((t1, "release", X, None, None, pool, X, pick(RELEASE_REASONS), routed_by, None, None, None))
                        ev.append((S, "assign", None, R, pool, None, division_manager[division], pick(ASSIGN_REASONS), None, None, None, None))
                        owned.append([C, t1, X])
                        previous_owner = X
                        entered_pool = t1
                    else:  # created by X, transferred to Y, released, claimed by R
                        creator = X
                        Y = pick_other(division, X)
                        t0 = int(uniform(C, S))
                        t1 = int(uniform(t0, S))
                        ev.append((C, "create", None, X, None, None, X, None, None, None, None, None))
                        ev.append((t0, "transfer", X, Y, None, None, division_manager[division], TRANSFER_REASON, None, None, None, None))
                        ev.append((t1, "release", Y, None, None, pool, Y, pick(RELEASE_REASONS), routed_by, None, None, None))
                        ev.append((S, "claim", None, R, pool, None, R, None, None, None, None, None))
                        owned.append([C, t0, X])
                        owned.append([t0, t1, Y])
                        previous_owner = Y
                        entered_pool = t1
                owned.append([S, NOW, R])

                # Follow-ups: the last one decides the reclaim rules.
                if k:
                    if due == "fu":
                        L = max(L, S + 1)
                    elif due == "claimed":
                        before = [seg for seg in owned if seg[1] <= S]
                        if before:
                            seg = before[-1]
                            L = int(uniform(seg[0], seg[1]))
                        else:
                            k = 0
                    else:
                        age = min(expo(1 / 6), 27) * DAY
                        L = NOW - int(age)
                        if L < S:
                            L = int(uniform(S, NOW - 1))
                status = PRIVATE_STATUSES[int(rand() * 100)]
                if due and status == "won":
                    status = "negotiating"
                locked = 1 if not due and rand() < 0.03 else 0
                if due == "np":
                    if status == "lead":
                        P = C
                    else:
                        P = int(uniform(C, S))
                elif status == "lead":
                    P = C
                    if S < NOW - 88 * DAY:
                        status = "contacted"
                        P = max(C, NOW - int(uniform(1, 85) * DAY))
                else:
                    P = int(uniform(C, NOW - 1))
                    if S < NOW - 88 * DAY:
                        P = max(P, NOW - int(uniform(1, 85) * DAY))
                owner_id, pool_id, owner_since = R, None, S
                if rand() < 0.02:
                    Z = pick_other(division, R)
                    self.collaborators.append((cid, Z, "read" if rand() < 0.7 else "write", S + int(rand() * (NOW - S))))
            else:
                # A pool customer: in `pool` since E.
                status = POOL_STATUSES[int(rand() * 100)]
                locked = 0
                if C >= NOW - 90 * DAY:
                    E = C if rand() < 0.3 else max(C, int(uniform(C, NOW - HOUR)))
                else:
                    E = C if rand() < 0.15 else NOW - int(uniform(0.05, 90) * DAY)
                k = 0
                if E == C:
                    creator = self.admin_id
                    ev.append((C, "create", None, None, None, pool, self.admin_id, None, "explicit", None, None, None))
                else:
                    X = pick_other(division, None)
                    creator = X
                    ev.append((C, "create", None, X, None, None, X, None, None, None, None, None))
                    last = X
                    lo = C
                    if rand() < 0.30:  # released, claimed by Y, then left Y
                        Y = pick_other(division, X)
                        t1 = int(uniform(C, E))
                        t2 = int(uniform(t1, E))
                        ev.append((t1, "release", X, None, None, pool, X, pick(RELEASE_REASONS), routed_by, None, None, None))
                        ev.append((t2, "claim", None, Y, pool, None, Y, None, None, None, None, None))
                        owned.append([C, t1, X])
                        last, lo = Y, t2
                    at = reclaim_time(E, lo, NOW) if rand() < 0.35 else None
                    if at:
                        E = at
                        rule = ("no_follow_up", "claimed_no_follow_up", "no_progress")[int(rand() * 3)]
                        reason = reclaim_reason(rule, level)
                        ev.append((E, "reclaim", last, None, None, pool, None, reason, routed_by, rule, 1, E))
                        reclaimed = (E, rule, reason, last)
                    else:
                        ev.append((E, "release", last, None, None, pool, last, pick(RELEASE_REASONS), routed_by, None, None, None))
                    owned.append([lo, E, last])
                    previous_owner = last
                    k = FOLLOW_UP_COUNT[int(rand() * 100)]
                    seg = owned[-1]
                    L = int(uniform(max(seg[0], seg[1] - 20 * DAY), seg[1]))
                entered_pool = E
                P = C if status == "lead" else int(uniform(C, E))
                owner_id, pool_id, owner_since = None, pool, None
                self.pool_customers.setdefault(pool, []).append(cid)

            # Follow-ups: the last at L, the others in owned periods before it.
            last_follow_up = None
            if k:
                last_follow_up = L
                by = None
                for seg in owned:
                    if seg[0] <= L <= seg[1]:
                        by = seg[2]
                follow_ups.append((cid, FOLLOW_UP_KINDS[int(rand() * 4)], FOLLOW_UP_TEXTS[int(rand() * 10)], L, by))
                if k > 1:
                    clipped = [(seg[0], min(seg[1], L), seg[2]) for seg in owned if seg[0] < L]
                    total = sum(b - a for a, b, _ in clipped)
                    for _ in range(k - 1):
                        if total <= 0:
                            break
                        r = rand() * total
                        for a, b, who in clipped:
                            if r < b - a:
                                follow_ups.append((cid, FOLLOW_UP_KINDS[int(rand() * 4)], FOLLOW_UP_TEXTS[int(rand() * 10)], a + int(r), who))
                                break
                            r -= b - a

            if reclaimed:
                at, rule, reason, prev = reclaimed
                run = (at - first_run_day) // DAY + 1
                self.reclaims_per_day[run] = self.reclaims_per_day.get(run, 0) + 1
                self.sweep_items.append((run, cid, "reclaimed", rule, reason, prev, pool))
                self.notifications.append((prev, "reclaimed", cid, f"客户已回收 / reclaimed: {name} — {reason}", None, at,
                                           at + int(rand() * 2 * DAY) if rand() < 0.7 else None))
            for e in ev:
                if e[1] == "reclaim":
                    e = e[:11] + ((e[0] - first_run_day) // DAY + 1,)
                events.append((cid,) + e)

            updated = max(ev[-1][0], P, last_follow_up or 0)
            deal = int(rand() * 2_000_000 + 20_000) * 100 if status == "won" else None
            yield (cid, name, name_key, phone, pkey, email, ekey, industry, region, level, source, status, deal,
                   owner_id, pool_id, previous_owner, locked, creator, C, owner_since, last_follow_up, P, updated,
                   entered_pool)


def main():
    parser = argparse.ArgumentParser(description="Generate a gonghai benchmark database.")
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--gonghai", default="/work/main/.build/release/gonghai")
    parser.add_argument("--due", type=float, default=0.10,
                        help="fraction of private customers due for reclaim on 2026-11-01 (default 0.10; "
                             "0.169 gives ~100k due among 1M customers)")
    args = parser.parse_args()
    if args.customers < 1:
        sys.exit("generate.py: --customers must be at least 1")

    started = time.time()
    make_schema(args.gonghai, args.out)
    db = sqlite3.connect(args.out, isolation_level=None, check_same_thread=False)
    # Bulk load without a journal (a failed run is simply regenerated), then back to WAL, which
    # gonghai uses (GRDB's DatabasePool) and which the file keeps.
    load_journal = os.environ.get("GENERATE_JOURNAL", "OFF")
    db.execute(f"PRAGMA journal_mode = {load_journal}")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute("PRAGMA foreign_keys = OFF")

    # Secondary indexes are rebuilt after the load (sorting once beats a million random inserts).
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('customers', 'follow_ups', 'ownership_events', 'sweep_items', 'notifications')").fetchall()
    for name, _ in indexes:
        db.execute(f"DROP INDEX {name}")

    if not 0 <= args.due <= 0.9:
        sys.exit("generate.py: --due must be between 0 and 0.9")
    gen = Generator(args.customers, args.seed, args.due)
    db.execute("BEGIN")
    gen.people(db)
    gen.pools(db)
    db.execute("COMMIT")

    insert_customer = """
        INSERT INTO customers (id, name, name_key, phone, phone_key, email, email_key, industry, region, level,
          source, status, deal_amount_cents, owner_id, pool_id, previous_owner_id, locked, created_by, created_at,
          owner_since, last_follow_up_at, last_progress_at, updated_at, entered_pool_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
    # Events and follow-ups wait in temporary tables, then go in chronological order so their ids
    # are too (the event feed reads by id).
    db.executescript("""
        CREATE TEMP TABLE staged_events (customer_id, at, kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id,
          actor_id, reason, routed_by, rule, rule_version, sweep_run_id);
        CREATE TEMP TABLE staged_follow_ups (customer_id, kind, text, at, by_user_id);
        """)
    insert_staged_event = "INSERT INTO temp.staged_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    insert_staged_follow_up = "INSERT INTO temp.staged_follow_ups VALUES (?, ?, ?, ?, ?)"

    # Generate in this thread, insert in another: sqlite3 lets go of the GIL while SQLite works.
    batches = queue.Queue(maxsize=3)
    failure = []

    def writer():
        try:
            while (batch := batches.get()) is not None:
                db.execute("BEGIN")
                for sql, rows in batch:
                    db.executemany(sql, rows)
                db.execute("COMMIT")
        except BaseException as error:  # reported by the main thread
            failure.append(error)
            while batches.get() is not None:
                pass

    thread = threading.Thread(target=writer)
    thread.start()
    rows = gen.customers()
    event_count = follow_up_count = 0
    while True:
        batch = [row for _, row in zip(range(50_000), rows)]
        if not batch:
            break
        events, follow_ups = gen.events[:], gen.follow_ups[:]
        gen.events.clear()
        gen.follow_ups.clear()
        event_count += len(events)
        follow_up_count += len(follow_ups)
        batches.put([(insert_customer, batch), (insert_staged_event, events), (insert_staged_follow_up, follow_ups)])
    batches.put(None)
    thread.join()
    if failure:
        raise failure[0]
    t_customers = time.time()

    db.execute("BEGIN")
    db.execute("""
        INSERT INTO ownership_events (customer_id, at, kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id,
          actor_id, reason, routed_by, rule, rule_version, sweep_run_id)
        SELECT * FROM temp.staged_events ORDER BY at, rowid""")
    db.execute("INSERT INTO follow_ups (customer_id, kind, text, at, by_user_id) SELECT * FROM temp.staged_follow_ups ORDER BY at, rowid")
    db.execute("DROP TABLE temp.staged_events")
    db.execute("DROP TABLE temp.staged_follow_ups")
    first_run_day = NOW - SWEEP_RUN_DAYS * DAY
    rng = gen.rng
    runs = []
    for run in range(1, SWEEP_RUN_DAYS + 1):
        day = first_run_day + (run - 1) * DAY
        as_of = datetime.fromtimestamp(day / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
        reclaimed = gen.reclaims_per_day.get(run, 0)
        runs.append((run, as_of, day + 2 * HOUR, day + 2 * HOUR + 60_000 + reclaimed * 20, "completed",
                     int(gen.private_count * (0.7 + 0.3 * run / SWEEP_RUN_DAYS)), reclaimed, 0, 0,
                     int(rng.random() * gen.private_count * 0.01), "schedule"))
    db.executemany(
        """INSERT INTO sweep_runs (id, as_of, started_at, finished_at, status, evaluated, reclaimed, skipped, failed, warned,
             triggered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", runs)
    db.executemany(
        "INSERT INTO sweep_items (run_id, customer_id, outcome, rule, reason, previous_owner_id, pool_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        gen.sweep_items)
    db.executemany(
        "INSERT INTO notifications (user_id, kind, customer_id, message, due_on, created_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        sorted(gen.notifications, key=itemgetter(5)))
    db.executemany("INSERT INTO collaborators (customer_id, user_id, access, added_at) VALUES (?, ?, ?, ?)", gen.collaborators)

    # API tokens: the admin and up to 200 reps (not on leave), spread over the divisions.
    available = [(uid, d) for uid, d, leave in gen.reps if not leave]
    step = max(1, len(available) // 200)
    listed = available[::step][:200]
    tokens = {"admin": token_for(args.seed, gen.admin_id), "reps": []}
    token_rows = [(gen.admin_id, hashlib.sha256(tokens["admin"].encode()).digest(), "bench", NOW - 30 * DAY)]
    for uid, _ in listed:
        token = token_for(args.seed, uid)
        tokens["reps"].append({"token": token, "userId": uid})
        token_rows.append((uid, hashlib.sha256(token.encode()).digest(), "bench", NOW - 30 * DAY))
    db.executemany("INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)", token_rows)
    db.execute("COMMIT")
    t_rows = time.time()

    for _, sql in indexes:
        db.execute(sql)
    db.execute("ANALYZE")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA synchronous = NORMAL")
    db.close()
    t_done = time.time()

    # Ids: 5,000 pool customers, and for each listed rep pool customers they may claim (disjoint).
    pool_ids = [cid for ids in gen.pool_customers.values() for cid in ids]
    rng.shuffle(pool_ids)
    claimable = {pid: rng.sample(ids, len(ids)) for pid, ids in gen.pool_customers.items()}
    per_rep = {uid: [] for uid, _ in listed}
    allowed = {uid: [pid for pid, members in gen.pool_members.items() if not members or d in members] for uid, d in listed}
    for _ in range(200):
        progress = False
        for uid, _ in listed:
            pools = [pid for pid in allowed[uid] if claimable.get(pid)]
            if pools:
                per_rep[uid].append(claimable[rng.choice(pools)].pop())
                progress = True
        if not progress:
            break
    ids = {"now": "2026-11-01T00:00:00Z", "poolCustomers": pool_ids[:5000],
           "reps": [{"userId": uid, "customerIds": per_rep[uid]} for uid, _ in listed]}
    with open(args.out + ".tokens.json", "w") as f:
        json.dump(tokens, f, indent=1)
    with open(args.out + ".ids.json", "w") as f:
        json.dump(ids, f, separators=(",", ":"))

    print(json.dumps({
        "customers": args.customers, "private": gen.private_count, "pool": args.customers - gen.private_count,
        "dueMarked": gen.due_marked, "duePercentOfPrivate": round(100 * gen.due_marked / max(1, gen.private_count), 1),
        "reps": len(gen.reps), "tokens": len(tokens["reps"]) + 1, "events": event_count, "followUps": follow_up_count,
        "historicalReclaims": len(gen.sweep_items),
        "seconds": {"customers": round(t_customers - started, 1), "rows": round(t_rows - started, 1),
                    "indexes+analyze": round(t_done - t_rows, 1), "total": round(time.time() - started, 1)},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
