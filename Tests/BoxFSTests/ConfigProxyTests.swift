@testable import BoxFS
import Foundation
import XCTest

final class ConfigProxyTests: XCTestCase {
    private let https = URL(string: "https://api.box.com/2.0")!
    private let http = URL(string: "http://box.internal:8080/2.0")!

    func testEnvironmentPicksTheVariableOfTheScheme() {
        let env = ["HTTPS_PROXY": "http://secure:3128", "http_proxy": "plain:3129"]
        XCTAssertEqual(ProxySetting.environment.proxyURL(for: https, environment: env)?.absoluteString, "http://secure:3128")
        XCTAssertEqual(ProxySetting.environment.proxyURL(for: http, environment: env)?.absoluteString, "http://plain:3129")
        XCTAssertNil(ProxySetting.environment.proxyURL(for: https, environment: [:]))
    }

    func testNoProxyAndLoopbackGoDirect() {
        let env = ["HTTPS_PROXY": "http://p:1", "HTTP_PROXY": "http://p:1"]
        XCTAssertNil(ProxySetting.environment.proxyURL(for: https, environment: env.merging(["NO_PROXY": "x.org, .box.com"]) { $1 }))
        XCTAssertNil(ProxySetting.environment.proxyURL(for: https, environment: env.merging(["no_proxy": "box.com"]) { $1 }))
        XCTAssertNil(ProxySetting.environment.proxyURL(for: https, environment: env.merging(["NO_PROXY": "*"]) { $1 }))
        XCTAssertNotNil(ProxySetting.environment.proxyURL(for: https, environment: env.merging(["NO_PROXY": "notbox.com,ox.com"]) { $1 }))
        XCTAssertNil(ProxySetting.environment.proxyURL(for: URL(string: "http://127.0.0.1:9/2.0")!, environment: env))
        XCTAssertNil(ProxySetting.environment.proxyURL(for: URL(string: "http://localhost:9/2.0")!, environment: env))
    }

    func testTheOptionWinsOverTheEnvironment() throws {
        var config = BoxFSConfiguration()
        try config.apply([ConfigEntry(key: "proxy", value: "http://u:pw@proxy.corp:8080", line: 3)], source: "f")
        XCTAssertEqual(config.proxy.proxyURL(for: https, environment: [:])?.absoluteString, "http://u:pw@proxy.corp:8080")
        try config.apply([ConfigEntry(key: "proxy", value: "none", line: 4)], source: "f")
        XCTAssertNil(config.proxy.proxyURL(for: https, environment: ["HTTPS_PROXY": "http://p:1"]))
        XCTAssertThrowsError(try config.apply([ConfigEntry(key: "proxy", value: "socks5://p:1", line: 5)], source: "f")) {
            XCTAssertEqual("\($0)", "f:5: proxy: 'socks5://p:1' is not env, none or an http://host:port proxy URL")
        }
    }
}
