/// Explains a private customer's reclaim clock: the governing pool (where it would route),
/// the assessment, and days left. One implementation for the API, the console and previews.
public struct ReclaimForecaster: Sendable {
    public struct Forecast: Sendable {
        public let pool: Pool?
        public let assessment: ReclaimAssessment
        public let daysLeft: Int?
        public let warning: Bool
    }

    let pools: [Pool]
    let router: PoolRouter
    let calendar: LocalCalendar
    let today: Day

    public init(pools: [Pool], calendar: LocalCalendar, today: Day) {
        self.pools = pools
        self.router = PoolRouter(pools: pools)
        self.calendar = calendar
        self.today = today
    }

    public func forecast(_ customer: Customer) -> Forecast? {
        guard customer.ownerID != nil else { return nil }
        guard let (poolID, _) = router.route(industry: customer.industry, region: customer.region),
            let pool = pools.first(where: { $0.id == poolID })
        else { return Forecast(pool: nil, assessment: .exempt(.noRule), daysLeft: nil, warning: false) }
        let assessment = ReclaimEvaluator.assess(ReclaimFacts(customer), rules: pool.rules.reclaim, calendar: calendar)
        let daysLeft = assessment.due.map { calendar.days(from: today, to: $0.reclaimOn) }
        return Forecast(
            pool: pool, assessment: assessment, daysLeft: daysLeft,
            warning: daysLeft.map { $0 <= pool.rules.reclaim.warningDays } ?? false)
    }

    /// Customers due within `days` (or already due), soonest first.
    public func due(_ customers: [Customer], within days: Int) -> [(Customer, Forecast)] {
        customers.compactMap { customer in
            guard let forecast = forecast(customer), let left = forecast.daysLeft, left <= days else { return nil }
            return (customer, forecast)
        }.sorted { ($0.1.daysLeft!, $0.0.id) < ($1.1.daysLeft!, $1.0.id) }
    }
}
