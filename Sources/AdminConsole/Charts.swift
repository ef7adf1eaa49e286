import Foundation

/// Inline SVG charts: no script, no external library, readable by screen readers via titles.
enum Charts {
    static func bars(_ items: [(String, Int)], title: String) -> HTML {
        let width = 560, rowHeight = 26, labelWidth = 190
        let maximum = max(1, items.map(\.1).max() ?? 1)
        let rows = items.enumerated().map { index, item in
            let y = index * rowHeight
            let length = Int(Double(width - labelWidth - 60) * Double(item.1) / Double(maximum))
            return HTML(
                """
                <g transform="translate(0,\(y))"><text x="0" y="17" class="label">\(item.0)</text>
                <rect x="\(labelWidth)" y="4" width="\(max(length, 1))" height="18" class="bar"><title>\(item.0): \(item.1)</title></rect>
                <text x="\(labelWidth + length + 6)" y="17" class="value">\(item.1)</text></g>
                """)
        }
        return """
            <div class="chart-frame"><svg class="chart" role="img" aria-label="\(title)" viewBox="0 0 \(width) \(max(rowHeight, items.count * rowHeight))" width="100%">
            <title>\(title)</title>\(rows)</svg></div>
            """
    }

    /// Two daily series as lines, with a legend.
    static func lines(_ labels: [String], _ first: (String, [Int]), _ second: (String, [Int]), title: String) -> HTML {
        let width = 560, height = 180, left = 34, bottom = 22
        let maximum = max(1, (first.1 + second.1).max() ?? 1)
        let step = labels.count > 1 ? Double(width - left - 10) / Double(labels.count - 1) : 0
        func points(_ values: [Int]) -> String {
            values.enumerated().map { index, value in
                let x = Double(left) + Double(index) * step
                let y = Double(height - bottom) - Double(height - bottom - 10) * Double(value) / Double(maximum)
                return String(format: "%.1f,%.1f", x, y)
            }.joined(separator: " ")
        }
        // The first and last labels anchor inward, so neither is cut at the edge.
        let ticks = Array(Set([0, labels.count / 2, labels.count - 1])).sorted().filter { $0 >= 0 && $0 < labels.count }.map { index in
            let anchor = index == 0 ? "start" : index == labels.count - 1 ? "end" : "middle"
            return HTML("<text x=\"\(left + Int(Double(index) * step))\" y=\"\(height - 4)\" class=\"tick\" text-anchor=\"\(anchor)\">\(labels[index])</text>")
        }
        return """
            <div class="chart-frame"><svg class="chart" role="img" aria-label="\(title)" viewBox="0 0 \(width) \(height + 24)" width="100%">
            <title>\(title)</title>
            <text x="0" y="14" class="tick">\(maximum)</text><text x="0" y="\(height - bottom)" class="tick">0</text>
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width)" y2="\(height - bottom)" class="axis"/>
            <polyline points="\(points(first.1))" class="series one"><title>\(first.0)</title></polyline>
            <polyline points="\(points(second.1))" class="series two"><title>\(second.0)</title></polyline>
            \(ticks)
            <g transform="translate(\(left),\(height + 18))"><rect width="10" height="10" y="-9" class="key one"/><text x="14" class="tick">\(first.0) (\(first.1.reduce(0, +)))</text>
            <rect x="170" width="10" height="10" y="-9" class="key two"/><text x="184" class="tick">\(second.0) (\(second.1.reduce(0, +)))</text></g>
            </svg></div>
            """
    }
}
