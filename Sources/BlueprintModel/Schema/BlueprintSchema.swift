import Foundation

/// The JSON Schema (draft-07, the draft yaml-language-server understands) of a blueprint,
/// generated from `BlueprintKeys`. docs/blueprint.schema.json is this text; a test fails when
/// the committed copy is stale.
public enum BlueprintSchema {
    public static let draft = "http://json-schema.org/draft-07/schema#"

    /// Patterns mirror the decoder's parsers (Units.swift, DNSLabel, GeoLocation); they are
    /// ECMA-262 regular expressions, which both yaml-language-server and Python accept.
    enum Pattern {
        static let label = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
        static let name = "^\(label)$"
        static let hostname = "^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)+$"
        /// Units from largest to smallest, each at most once: `1m30s`, never `30s1m`.
        static let duration = "^([0-9]{1,12}y)?([0-9]{1,12}d)?([0-9]{1,12}h)?([0-9]{1,12}m)?([0-9]{1,12}s)?([0-9]{1,12}ms)?$"
        static let percentage = "^0*(100(\\.0*)?|[0-9]{1,2}(\\.[0-9]*)?|\\.[0-9]+)%$"
        static let wholePercentage = "^0*([1-9][0-9]?|100)(\\.0*)?%$"
        static let quantity = "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$"
        /// Printable ASCII except space, `"` and `\`.
        static let httpPath = "^/[!#-\\[\\]-~]*$"
        static let date = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
        /// No C0/C1 control characters (TAB allowed), which go-yaml downstream refuses (see ControlCharacters).
        static let singleLine = "^[^\\u0000-\\u0008\\u000A-\\u001F\\u007F-\\u009F\\uFFFE\\uFFFF]+$"
        static let multiline = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\uFFFE\\uFFFF]+$"
        static let hostedZoneId = "^[A-Z0-9]{1,\(Limits.hostedZoneIdLength)}$"
        static let templateFree = "^(?!.*(\\{\\{|\\}\\})).+$"
        static let relativePath = "^(?!/)(?!(.*/)?\\.\\.(/|$))(?!.*(\\{\\{|\\}\\})).+$"
        static let environmentName = "^[A-Za-z_][A-Za-z0-9_]*$"
        static let geoLocation = "^(default|AF|AN|AS|EU|NA|OC|SA|country:[A-Z]{2}|country:US-[A-Z]{2})$"
    }

    public static func document() -> [String: Any] {
        var root = schema(BlueprintKeys.blueprint)
        root["$schema"] = draft
        root["title"] = "Meridian blueprint"
        root["description"] = "A multi-region Kubernetes system for `meridian lint` and `meridian compile`. Reference: docs/blueprint.md."
        return root
    }

    /// Pretty-printed with sorted keys, so the text only changes when the schema does.
    public static func json() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: document(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func schema(_ shape: BlueprintShape) -> [String: Any] {
        switch shape {
        case .object(let keys):
            var properties: [String: Any] = [:]
            for key in keys { properties[key.name] = property(key) }
            var result: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
            let required = keys.filter(\.required).map(\.name)
            if !required.isEmpty { result["required"] = required }
            return result
        case .map(let keys, let values, let limit):
            var result: [String: Any] = ["type": "object", "propertyNames": schema(.value(keys)), "additionalProperties": schema(values)]
            if let limit { result["maxProperties"] = limit }
            return result
        case .list(let item, let count):
            var result: [String: Any] = ["type": "array", "items": schema(item)]
            if let count {
                if count.lowerBound > 0 { result["minItems"] = count.lowerBound }
                result["maxItems"] = count.upperBound
            }
            return result
        case .either(let shapes):
            return ["anyOf": shapes.map(schema)]
        case .value(let value):
            return scalar(value)
        }
    }

    static func property(_ key: BlueprintKey) -> [String: Any] {
        var result = schema(key.shape)
        var description = key.summary
        switch key.defaultValue {
        case .derived(let text)?:
            description += ". Default: \(text)."
        case let value?:
            result["default"] = json(value)
        case nil:
            break
        }
        if key.required { description += ". Required." }
        result["description"] = description
        return result
    }

    static func json(_ value: BlueprintDefault) -> Any {
        switch value {
        case .string(let text), .derived(let text): text
        case .integer(let number): number
        case .boolean(let flag): flag
        case .object(let pairs): Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, json($0.1)) })
        }
    }

    static func scalar(_ value: BlueprintValue) -> [String: Any] {
        func string(_ pattern: String, _ extra: [String: Any] = [:]) -> [String: Any] {
            ["type": "string", "pattern": pattern].merging(extra) { $1 }
        }
        switch value {
        case .name: return string(Pattern.name)
        case .text: return string(Pattern.singleLine)
        case .multilineText: return string(Pattern.multiline)
        case .hostedZoneId: return string(Pattern.hostedZoneId)
        case .templateFreeText: return string(Pattern.templateFree)
        case .relativePath: return string(Pattern.relativePath)
        case .httpsURL: return string("^https://")
        case .hostname: return string(Pattern.hostname, ["maxLength": 253])
        case .httpPath: return string(Pattern.httpPath, ["maxLength": 255])
        case .integer(let range):
            return ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound]
        case .boolean: return ["type": "boolean"]
        case .duration: return string(Pattern.duration, ["minLength": 1])
        case .percentage: return string(Pattern.percentage)
        case .wholePercentage: return string(Pattern.wholePercentage)
        // A pattern only constrains strings; YAML reads a bare `1` or `0.5` as a number, which is a valid quantity.
        case .quantity: return ["type": ["string", "number"], "pattern": Pattern.quantity]
        case .literal: return ["type": ["string", "number", "boolean"]]
        case .date: return string(Pattern.date)
        case .choice(let options): return ["type": "string", "enum": options]
        case .environmentName: return string(Pattern.environmentName)
        case .geoLocation: return string(Pattern.geoLocation)
        case .price: return ["type": ["string", "number"], "pattern": #"^[0-9]{1,9}(\.[0-9]{1,6})?$"#]
        }
    }
}
