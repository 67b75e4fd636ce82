/* init/version-timestamp.c: a separate object on the final link line. */
const char linux_banner[] = "Linux version 6.12.0-mini (sysgc test input)\n";
