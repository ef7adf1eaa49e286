/// Refuses absurdly nested text before a recursive parser sees it: the GraphQL parser and the
/// JSON decoder recurse per level, and a few hundred thousand `{` would exhaust a thread's stack.
public enum NestingGuard {
    /// The deepest bracket nesting in `bytes`, ignoring brackets inside quoted strings.
    public static func depth(of bytes: some Sequence<UInt8>, limit: Int) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "("):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > limit { return deepest }
            case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ")"):
                depth -= 1
            default: break
            }
        }
        return deepest
    }
}
