import Foundation
import LiandongStore

// liandong: one binary for every tier. Usage errors exit 2, refused operations 1.
NodeStore.softwareVersion = Help.version
exit(CommandLine.run(Array(CommandLine.arguments.dropFirst())))
