import Testing
@testable import DNA
@Test func placeholder() {}
