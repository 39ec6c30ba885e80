{
  "targets": [
    {
      "target_name": "fulcrum_lvs",
      "sources": ["reference/lvs/native/lvs_native.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
