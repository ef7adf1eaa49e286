import Foundation

/// A bounded least-recently-used cache keyed by query text (`CachedQuery`: a document with its
/// verdicts and plans).
///
/// A doubly linked list over array slots keeps every operation O(1). Bounded in count and in
/// the size of what it keeps: a key longer than `maxKeyBytes` (real clients send a few KB) is
/// made every time instead, so a thousand distinct 1 MB queries cannot pin a gigabyte.
final class LRUCache<Value>: @unchecked Sendable {
    /// The longest key kept.
    static var maxKeyBytes: Int { 32 * 1024 }

    private struct Slot {
        var key: String
        var value: Value
        var newer: Int
        var older: Int
    }

    private let capacity: Int
    private let lock = NSLock()
    private var index: [String: Int] = [:]
    private var slots: [Slot] = []
    private var newest = -1
    private var oldest = -1
    private var hits = 0
    private var misses = 0

    init(capacity: Int = 1000) { self.capacity = max(1, capacity) }

    var count: Int { lock.withLock { index.count } }

    /// Every value held, for counts (metrics and tests).
    var values: [Value] { lock.withLock { slots.map(\.value) } }

    /// Lookups that found a value and lookups that had to make one, since start.
    var counts: (hits: Int, misses: Int) { lock.withLock { (hits, misses) } }

    /// The value cached for `key`, or `make()`'s, cached unless the key is too long.
    func value(for key: String, make: () -> Value) -> Value {
        if let cached = lookup(key) { return cached }
        let made = make()
        if key.utf8.count <= Self.maxKeyBytes { store(key, made) }
        return made
    }

    func lookup(_ key: String) -> Value? {
        lock.withLock {
            guard let slot = index[key] else {
                misses += 1
                return nil
            }
            hits += 1
            moveToFront(slot)
            return slots[slot].value
        }
    }

    func store(_ key: String, _ value: Value) {
        lock.withLock {
            if let existing = index[key] {
                slots[existing].value = value
                moveToFront(existing)
                return
            }
            let slot: Int
            if slots.count < capacity {
                slots.append(Slot(key: key, value: value, newer: -1, older: -1))
                slot = slots.count - 1
            } else {
                slot = oldest
                unlink(slot)
                index[slots[slot].key] = nil
                slots[slot] = Slot(key: key, value: value, newer: -1, older: -1)
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
