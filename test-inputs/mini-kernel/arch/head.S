/* The mini kernel's entry point and signal restorer. */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call mk_main
	movl %eax, %edi
	movl $231, %eax		/* exit_group */
	syscall
	hlt
	.size _start, .-_start

	.globl mk_restorer
	.type mk_restorer, @function
mk_restorer:
	movl $15, %eax		/* rt_sigreturn */
	syscall
	hlt
	.size mk_restorer, .-mk_restorer
	.section .note.GNU-stack,"",@progbits
