/*
 * lc native plan executor, x86-64 (assembled with GNU as; see build.mjs).
 *
 * One position-independent blob with two entry points:
 *
 *     offset 0:   long lc_launch(struct context *ctx);   (System V ABI, called from Node via koffi)
 *     lc_resume:  the entry point of the executor's own ELF image (native-elf.ts)
 *
 * lc_launch calls clone3(ctx->clone_args, ctx->clone_args_size). In the parent it
 * returns what clone3 returned (the child's pid, or -errno). The child starts on its
 * own stack at `child` below, with every register as the parent had it except rax,
 * rcx and r11 (the kernel copies them): r15 still holds ctx. From there it interprets
 * the plan's step records and never returns: the last step execs the user's program,
 * or a failed step is reported and the child exits.
 *
 * The child shares Node's memory (CLONE_VM) until a step execs the executor again,
 * from a sealed memfd holding an ELF image of this same code and a copy of the plan
 * mapped at the address the plan was laid out at: from then on the process has an
 * address space of its own, with nothing of Node in it, and the kernel enters it at
 * lc_resume, which finds the context through the 8 bytes the image places right
 * before this code, and goes on with the step the context names (ctx->first step).
 *
 * No libc and no stack are used in the child: while it shares Node's memory it
 * touches nothing but the context, the steps, the slots and the data the parent
 * prepared (and keeps alive until the child exec'd or died).
 *
 * struct context (64 bytes)           struct step (64 bytes)
 *   0  u64 clone_args pointer            0  u32 syscall number
 *   8  u64 clone_args size               4  u8  argmask: bit i set = args[i] is a slot index
 *  16  u64 steps pointer                 5  u8  policy: 0 fail, 1 ignore, 2 ignore errarg,
 *  24  u64 step count                              3 jump to step errarg
 *  32  u64 slots pointer (u64 each)      6  u8  flags: 1 = a zero result is an error (EPIPE),
 *  40  u64 error pipe fd                           2 = fork: the side that got a pid
 *                                                     keeps it and exits 0,
 *                                                  4 = report: the result goes down the
 *                                                     error pipe as {step | 1 << 31, result}
 *                                        7  u8  result slot, 255 = none
 *  48  u32 failed step  (child writes)   8  u32 errarg
 *  52  u32 errno        (child writes)  12  u32 reserved
 *  56  u32 first step to run            16  u64 args[6]
 *  60  u32 reserved
 */
        .intel_syntax noprefix
        .text
        .globl lc_launch
lc_launch:
.Lcode_start:
        push    r15
        mov     r15, rdi                        /* ctx survives into the child in r15 */
        mov     rdi, [r15 + 0]                  /* struct clone_args * */
        mov     rsi, [r15 + 8]                  /* its size */
        mov     eax, 435                        /* __NR_clone3 */
        syscall
        test    rax, rax
        jz      child
        pop     r15                             /* parent: pid or -errno */
        ret

        /* The ELF image's entry: the context's address is the 8 bytes before this code. */
        .globl lc_resume
lc_resume:
        mov     r15, qword ptr [rip + .Lcode_start - 8]

child:
        mov     r14d, dword ptr [r15 + 56]      /* r14 = index of the current step */
        mov     r13, [r15 + 16]                 /* r13 = steps */
        mov     r12, [r15 + 32]                 /* r12 = slots */

next_step:
        cmp     r14, [r15 + 24]
        jae     plan_ended
        mov     rbx, r14                        /* rbx = &steps[r14] */
        shl     rbx, 6
        add     rbx, r13

        /* Arguments, in the syscall registers; an argument whose argmask bit is set
           is the index of a slot, replaced by the slot's value. */
        movzx   ecx, byte ptr [rbx + 4]
        mov     rdi, [rbx + 16]
        test    cl, 1
        jz      1f
        mov     rdi, [r12 + rdi * 8]
1:      mov     rsi, [rbx + 24]
        test    cl, 2
        jz      2f
        mov     rsi, [r12 + rsi * 8]
2:      mov     rdx, [rbx + 32]
        test    cl, 4
        jz      3f
        mov     rdx, [r12 + rdx * 8]
3:      mov     r10, [rbx + 40]
        test    cl, 8
        jz      4f
        mov     r10, [r12 + r10 * 8]
4:      mov     r8, [rbx + 48]
        test    cl, 16
        jz      5f
        mov     r8, [r12 + r8 * 8]
5:      mov     r9, [rbx + 56]
        test    cl, 32
        jz      6f
        mov     r9, [r12 + r9 * 8]
6:      mov     eax, [rbx + 0]
        syscall

        /* A read of the sync pipe that returns 0 is EOF: the parent went away. */
        test    byte ptr [rbx + 6], 1
        jz      7f
        test    rax, rax
        jnz     7f
        mov     rax, -32                        /* -EPIPE */
7:      cmp     rax, -4095                      /* -4095..-1 (unsigned >=) is -errno */
        jae     step_failed

        test    byte ptr [rbx + 6], 2           /* fork: the new process (0) goes on, */
        jz      8f                              /* without touching the shared slot */
        test    rax, rax
        jz      step_done
8:      movzx   ecx, byte ptr [rbx + 7]         /* keep the result in its slot */
        cmp     ecx, 255
        je      9f
        mov     [r12 + rcx * 8], rax
9:      test    byte ptr [rbx + 6], 4           /* report: {step | 1 << 31, result} */
        jz      11f
        mov     [r15 + 52], eax
        mov     eax, r14d
        bts     eax, 31
        mov     [r15 + 48], eax
        mov     edi, [r15 + 40]
        lea     rsi, [r15 + 48]
        mov     edx, 8
        mov     eax, 1                          /* write: nothing to do if it fails, */
        syscall                                 /* the parent then sees no report */
11:     test    byte ptr [rbx + 6], 2           /* fork: the side that got the pid is done */
        jz      step_done
        xor     edi, edi
        mov     eax, 231                        /* exit_group(0) */
        syscall

step_done:
        inc     r14
        jmp     next_step

step_failed:
        neg     eax                             /* eax = errno */
        movzx   ecx, byte ptr [rbx + 5]         /* the step's error policy */
        cmp     ecx, 1                          /* ignore */
        je      step_done
        cmp     ecx, 2                          /* ignore one errno */
        jne     10f
        cmp     eax, [rbx + 8]
        je      step_done
        jmp     report
10:     cmp     ecx, 3                          /* jump on error */
        jne     report
        mov     r14d, [rbx + 8]
        jmp     next_step

plan_ended:
        xor     eax, eax                        /* {step count, 0}: ended without exec */
report:
        mov     [r15 + 48], r14d                /* {step, errno} into the context... */
        mov     [r15 + 52], eax
        mov     edi, [r15 + 40]                 /* ...and down the error pipe */
        lea     rsi, [r15 + 48]
        mov     edx, 8
        mov     eax, 1                          /* write */
        syscall
        mov     edi, 1
        mov     eax, 231                        /* exit_group(1) */
        syscall
        ud2
