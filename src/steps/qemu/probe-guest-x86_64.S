# The x86_64 accelerator probe guest embedded in probe-guest.ts (x86LongModeCode). To rebuild:
#   as --64 -o p.o probe-guest-x86_64.S && objcopy -O binary -j .text p.o p.bin && xxd -p p.bin
.code16
start:
  cli
  xor %ax,%ax
  mov %ax,%es
  mov $0x1000,%di
  mov $0x1800,%cx
  cld
  rep stosw
  movl $0x2003, %es:0x1000
  movl $0x3003, %es:0x2000
  movl $0x83, %es:0x3000
  mov $0xF000,%ax
  mov %ax,%ds
  lgdtl (gdtr - start)
  mov %cr0,%eax
  or $1,%eax
  mov %eax,%cr0
  ljmpl $0x08, $(0xF0000 + pm32 - start)
.code32
pm32:
  mov $0x10,%ax
  mov %ax,%ds
  mov %ax,%es
  mov %ax,%ss
  mov %cr4,%eax
  or $0x20,%eax
  mov %eax,%cr4
  mov $0x1000,%eax
  mov %eax,%cr3
  mov $0xC0000080,%ecx
  rdmsr
  or $0x100,%eax
  wrmsr
  mov %cr0,%eax
  or $0x80000000,%eax
  mov %eax,%cr0
  ljmp $0x18, $(0xF0000 + lm64 - start)
.code64
lm64:
  mov $0x2a,%al
  out %al,$0xf4
  hlt
  jmp lm64
.p2align 3
gdt:
  .quad 0
  .quad 0x00CF9A000000FFFF
  .quad 0x00CF92000000FFFF
  .quad 0x00AF9A000000FFFF
gdtr:
  .word gdtr - gdt - 1
  .long 0xF0000 + gdt - start
