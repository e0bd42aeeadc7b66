{
  "targets": [
    {
      "target_name": "async_file_uring",
      "sources": [
        "src/addon.cc",
        "src/uring_ring.cc",
        "src/uring_bindings.cc",
        "src/sync_io.cc",
        "src/napi_args.cc",
        "src/path_ops.cc"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_cc": ["-std=gnu++17", "-O2", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-rtti"]
    }
  ]
}
