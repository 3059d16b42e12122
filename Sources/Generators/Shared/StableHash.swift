/// FNV-1a, 64 bit: a hash that is the same on every machine and run (Swift's `Hasher` is
/// seeded per process), used to roll pods when their ConfigMap changes.
public struct StableHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Feeds more text; hashing "ab" equals hashing "a" then "b".
    public mutating func add(_ text: String) {
        for byte in text.utf8 {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01b3
        }
    }

    /// 16 lowercase hex digits.
    public var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func fnv1a(_ text: String) -> String {
        var hash = StableHash()
        hash.add(text)
        return hash.hex
    }
}
