import GraphQL
import OrderedCollections

/// Builds `Map` objects with a fixed key order, so error extensions read the same every time.
enum OrderedDictionaryBridge {
    static func make(_ values: [String: Map], order: [String]) -> OrderedDictionary<String, Map> {
        var result = OrderedDictionary<String, Map>()
        for key in order { if let value = values[key] { result[key] = value } }
        for (key, value) in values where result[key] == nil { result[key] = value }
        return result
    }
}
