import BoxFS
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A signal to a process blocked in a filesystem request interrupts it: the bridge cancels the task and
/// answers EINTR, so the process is not stuck until the operation would have finished.
final class FUSEInterruptTests: XCTestCase {
    func testSignalledReaderCancelsTheOperation() throws {
        let mount = try FUSETestMount()
        defer { mount.tearDown() }
        mount.fileSystem.addSlowFile()

        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [mount.path(FUSEMemoryFileSystem.slowFileName)]
        reader.standardOutput = FileHandle.nullDevice
        reader.standardError = FileHandle.nullDevice
        try reader.run()
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL) } }

        XCTAssertTrue(eventually { mount.fileSystem.slowRead.started }, "the read never reached the filesystem")
        XCTAssertFalse(mount.fileSystem.slowRead.cancelled)
        reader.interrupt()
        XCTAssertTrue(eventually { mount.fileSystem.slowRead.cancelled }, "the interrupt did not cancel the read")
        XCTAssertTrue(eventually { !reader.isRunning }, "the reader stayed blocked")
        XCTAssertEqual(reader.terminationReason, .uncaughtSignal)
    }
}
