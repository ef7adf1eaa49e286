import Foundation

/// Compiled operations by query text and operation name: a bounded least-recently-used cache.
///
/// A doubly linked list over array slots keeps every operation O(1). Queries longer than
/// `DocumentCache.maxQueryBytes` are compiled each time instead of cached, like their documents.
/// An operation the compiled executor leaves to the reference one is cached as `nil`.
final class PlanCache: @unchecked Sendable {
    private struct Slot {
        var key: String
        var plan: OperationPlan?
        var newer: Int
        var older: Int
    }

    private let capacity: Int
    private let lock = NSLock()
    private var index: [String: Int] = [:]
    private var slots: [Slot] = []
    private var newest = -1
    private var oldest = -1

    init(capacity: Int = 1000) { self.capacity = max(1, capacity) }

    var count: Int { lock.withLock { index.count } }

    func plan(query: String, operationName: String?, build: () -> OperationPlan?) -> OperationPlan? {
        let key = (operationName ?? "") + "\u{0}" + query
        if let hit = lookup(key) { return hit.plan }
        let built = build()
        if query.utf8.count <= DocumentCache.maxQueryBytes { store(key, built) }
        return built
    }

    private func lookup(_ key: String) -> (plan: OperationPlan?, found: Bool)? {
        lock.withLock {
            guard let slot = index[key] else { return nil }
            moveToFront(slot)
            return (slots[slot].plan, true)
        }
    }

    private func store(_ key: String, _ plan: OperationPlan?) {
        lock.withLock {
            if let existing = index[key] {
                slots[existing].plan = plan
                moveToFront(existing)
                return
            }
            let slot: Int
            if slots.count < capacity {
                slots.append(Slot(key: key, plan: plan, newer: -1, older: -1))
                slot = slots.count - 1
            } else {
                slot = oldest
                unlink(slot)
                index[slots[slot].key] = nil
                slots[slot] = Slot(key: key, plan: plan, newer: -1, older: -1)
            }
            index[key] = slot
            linkAtFront(slot)
        }
    }

    private func moveToFront(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private func unlink(_ slot: Int) {
        let (newer, older) = (slots[slot].newer, slots[slot].older)
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = -1
        slots[slot].older = -1
    }

    private func linkAtFront(_ slot: Int) {
        slots[slot].older = newest
        slots[slot].newer = -1
        if newest >= 0 { slots[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
