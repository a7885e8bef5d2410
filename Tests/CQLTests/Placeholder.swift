import Testing

@testable import CQL

@Test func placeholder() {}
